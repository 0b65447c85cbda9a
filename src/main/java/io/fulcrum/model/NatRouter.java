package io.fulcrum.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The floating gateway address of the real servers in a NAT setup (lvs.cf {@code nat_router},
 * {@code nat_nmask}); it moves with the VIPs.
 */
public record NatRouter(InetAddress address, String device, OptionalInt prefixLength) {
    public NatRouter {
        Objects.requireNonNull(address, "address");
        Checks.name(device, "nat_router device");
        Objects.requireNonNull(prefixLength, "prefixLength");
        prefixLength.ifPresent(p -> Checks.inRange(p, 0, address instanceof Inet6Address ? 128 : 32, "nat_nmask"));
    }
}
