package io.fulcrum.ha;

import io.fulcrum.model.AddressText;
import io.fulcrum.model.Config;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.net.Addresses;
import io.fulcrum.net.HostAddress;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The addresses that move with the active role: every active VIP that has a device, and the NAT
 * gateway. A VIP or gateway without a netmask (or with a zero one, which pulse left out of its
 * ifconfig call) takes the prefix of the device's own address that covers it, so that it sits in
 * the device's subnet as an alias does; where no address of the device covers it, it is a host
 * address (/32, /128). {@code fulcrum check} prints the same {@link Placement}s the daemon uses.
 */
public final class FloatingAddresses {

    /** One floating address and why it has its prefix, in words for {@code check}. */
    public record Placement(HostAddress address, String why) {
    }

    private FloatingAddresses() {
    }

    /** In lvs.cf order; a VIP shared by several virtual servers appears once. */
    /** An address as status, check and the log show it: {@code fd77::100/64 on eth0}, IPv6 written as RFC 5952 says. */
    public static String text(HostAddress address) {
        return AddressText.of(address.address()) + "/" + address.prefixLength() + " on "
                + address.label().orElse(address.device());
    }

    public static List<HostAddress> of(Config config, Addresses host) {
        return placements(config, host).stream().map(Placement::address).toList();
    }

    /** The same, each with the reason for its prefix. */
    public static List<Placement> placements(Config config, Addresses host) {
        Map<InetAddress, Placement> byAddress = new LinkedHashMap<>();
        for (VirtualServer virtual : config.virtualServers()) {
            if (virtual.active() && virtual.device().isPresent() && !byAddress.containsKey(virtual.address())) {
                byAddress.put(virtual.address(), place(virtual.address(), virtual.vipPrefix(), virtual.device().get(),
                        "vip_nmask", host));
            }
        }
        config.natRouter().filter(nat -> !byAddress.containsKey(nat.address())).ifPresent(nat ->
                byAddress.put(nat.address(), place(nat.address(), nat.prefixLength(), nat.device(), "nat_nmask", host)));
        return new ArrayList<>(byAddress.values());
    }

    private static Placement place(InetAddress address, OptionalInt prefix, String lvsDevice, String key,
            Addresses host) {
        if (prefix.isPresent()) {
            return new Placement(HostAddress.onDevice(address, prefix.getAsInt(), lvsDevice), "from " + key);
        }
        HostAddress bare = HostAddress.onDevice(address, -1, lvsDevice);
        List<HostAddress> own;
        try {
            own = host.on(bare.device());
        } catch (IOException e) {
            return new Placement(bare, key + " not given, and " + e.getMessage() + ": a host address");
        }
        Optional<HostAddress> covering = own.stream()
                .filter(a -> !a.address().equals(address) && covers(a, address))
                .max(Comparator.comparingInt(HostAddress::prefixLength));
        if (covering.isEmpty()) {
            return new Placement(bare, key + " not given, and no address of " + bare.device()
                    + " covers it: a host address");
        }
        HostAddress subnet = covering.get();
        return new Placement(HostAddress.onDevice(address, subnet.prefixLength(), lvsDevice), key + " not given:"
                + " the prefix of " + text(subnet) + ", which covers it");
    }

    /** Whether {@code address} is in the subnet of {@code own} (same family, same leading prefix bits). */
    static boolean covers(HostAddress own, InetAddress address) {
        if ((own.address() instanceof Inet6Address) != (address instanceof Inet6Address)) {
            return false;
        }
        int bits = own.address().getAddress().length * 8;
        int hostBits = bits - own.prefixLength();
        return new BigInteger(1, own.address().getAddress()).shiftRight(hostBits)
                .equals(new BigInteger(1, address.getAddress()).shiftRight(hostBits));
    }
}
