package io.fulcrum.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * An address as it sits on an interface: {@code 192.168.0.10/24} on {@code eth0} with the alias
 * label {@code eth0:1} (IPv4 only; IPv6 has no labels).
 *
 * @param address      the address
 * @param prefixLength its netmask as a prefix length
 * @param device       the base interface, e.g. {@code eth0}
 * @param label        the IPv4 alias label, e.g. {@code eth0:1}
 */
public record HostAddress(InetAddress address, int prefixLength, String device, Optional<String> label) {

    public HostAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(label, "label");
        int max = address instanceof Inet6Address ? 128 : 32;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + max);
        }
        if (device.isEmpty() || device.contains(":")) {
            throw new IllegalArgumentException("device must be a base interface name, got '" + device + "'");
        }
        if (label.isPresent() && address instanceof Inet6Address) {
            throw new IllegalArgumentException("IPv6 addresses have no alias label");
        }
    }

    /**
     * The address on the interface an lvs.cf device names: {@code eth0:1} means device
     * {@code eth0} with label {@code eth0:1}; a prefix of -1 means a host address (/32 or /128).
     */
    public static HostAddress onDevice(InetAddress address, int prefixLength, String lvsDevice) {
        int colon = lvsDevice.indexOf(':');
        String base = colon < 0 ? lvsDevice : lvsDevice.substring(0, colon);
        Optional<String> label = colon < 0 || address instanceof Inet6Address ? Optional.empty() : Optional.of(lvsDevice);
        int prefix = prefixLength >= 0 ? prefixLength : address instanceof Inet6Address ? 128 : 32;
        return new HostAddress(address, prefix, base, label);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength + " on " + label.orElse(device);
    }
}
