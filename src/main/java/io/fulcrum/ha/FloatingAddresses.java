package io.fulcrum.ha;

import io.fulcrum.model.Config;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.net.HostAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The addresses that move with the active role: every active VIP that has a device, and the NAT gateway. */
public final class FloatingAddresses {

    private FloatingAddresses() {
    }

    /** In lvs.cf order; a VIP shared by several virtual servers appears once. */
    public static List<HostAddress> of(Config config) {
        Map<InetAddress, HostAddress> byAddress = new LinkedHashMap<>();
        for (VirtualServer virtual : config.virtualServers()) {
            if (virtual.active() && virtual.device().isPresent()) {
                byAddress.putIfAbsent(virtual.address(), HostAddress.onDevice(virtual.address(),
                        virtual.vipPrefix().orElse(-1), virtual.device().get()));
            }
        }
        config.natRouter().ifPresent(nat -> byAddress.putIfAbsent(nat.address(),
                HostAddress.onDevice(nat.address(), nat.prefixLength().orElse(-1), nat.device())));
        return new ArrayList<>(byAddress.values());
    }
}
