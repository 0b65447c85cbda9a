package io.fulcrum.config;

import io.fulcrum.config.ValueReader.AddressDevice;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.model.VirtualServer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks between blocks: names used twice, and, among the active virtual and real servers (the
 * only ones ever installed), services, listeners and VIP placements that would collide.
 */
final class Clashes {

    /** An address brought up on an alias device, and who asked for it. */
    record Placement(InetAddress address, String device, String owner, int line) {
    }

    private final Diagnostics diagnostics;

    private Clashes(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    static void check(Binder.Bound bound, Optional<Placement> natRouter, Diagnostics diagnostics) {
        Clashes clashes = new Clashes(diagnostics);
        clashes.names(bound.virtuals());
        clashes.names(bound.failovers());
        bound.virtuals().forEach(v -> clashes.names(v.servers));
        List<Scope> active = bound.virtuals().stream()
                .filter(v -> v.get("active", Boolean.class, false) && v.has("address"))
                .toList();
        clashes.services(active);
        clashes.fwmarkListeners(active);
        clashes.placements(active, natRouter);
        active.forEach(clashes::realServers);
    }

    private void names(List<Scope> scopes) {
        Map<String, Scope> seen = new HashMap<>();
        for (Scope scope : scopes) {
            if (scope.name.isEmpty()) {
                continue;
            }
            Scope first = seen.putIfAbsent(scope.name, scope);
            if (first != null) {
                String keyword = scope.kind.name().toLowerCase(Locale.ROOT);
                diagnostics.errorMessage(scope.line, keyword,
                        scope.label() + ": the name is already used at line " + first.line);
            }
        }
    }

    private void services(List<Scope> active) {
        Map<ServiceKey, Scope> seen = new HashMap<>();
        for (Scope virtual : active) {
            ServiceKey key = key(virtual);
            Scope first = seen.putIfAbsent(key, virtual);
            if (first == null) {
                continue;
            }
            String where = " is already " + first.label() + " (line " + first.line + ")";
            if (key instanceof ServiceKey.Fwmark) {
                diagnostics.error(virtual.lineOf("fwmark"), "fwmark", key.label() + where);
            } else {
                diagnostics.errorMessage(virtual.line, "virtual", virtual.label() + ": " + key.label() + where);
            }
        }
    }

    /** The proxy listens on VIP:port for each fwmark port; no other service may listen there. */
    private void fwmarkListeners(List<Scope> active) {
        Map<ServiceKey, Scope> listeners = new HashMap<>();
        for (Scope virtual : active) {
            if (key(virtual) instanceof ServiceKey.Address address) {
                listeners.putIfAbsent(address, virtual);
            }
        }
        for (Scope virtual : active) {
            if (!(key(virtual) instanceof ServiceKey.Fwmark)) {
                continue;
            }
            // One error per other service, at the first port they share: two ranges may share a thousand.
            Set<Scope> reported = new HashSet<>();
            for (int port : virtual.list("fwmark_ports", Integer.class)) {
                ServiceKey listener = new ServiceKey.Address(protocol(virtual), vip(virtual), port);
                Scope first = listeners.putIfAbsent(listener, virtual);
                if (first != null && first != virtual && reported.add(first)) {
                    diagnostics.error(virtual.lineOf("fwmark_ports"), "fwmark_ports", listener.label()
                            + " is already " + first.label() + " (line " + first.line + ")");
                }
            }
        }
    }

    /** An alias device holds one address, and an address lives on one device. */
    private void placements(List<Scope> active, Optional<Placement> natRouter) {
        List<Placement> placements = new ArrayList<>();
        natRouter.ifPresent(placements::add);
        for (Scope virtual : active) {
            AddressDevice address = virtual.get("address", AddressDevice.class).orElseThrow();
            address.device().ifPresent(device -> placements.add(
                    new Placement(address.address(), device, virtual.label(), virtual.lineOf("address"))));
        }
        placements.sort(Comparator.comparingInt(Placement::line));
        Map<String, Placement> byDevice = new HashMap<>();
        Map<InetAddress, Placement> byAddress = new HashMap<>();
        for (Placement placement : placements) {
            String key = placement.owner().equals("nat_router") ? "nat_router" : "address";
            Placement onDevice = byDevice.putIfAbsent(placement.device(), placement);
            if (onDevice != null && !onDevice.address().equals(placement.address())) {
                diagnostics.error(placement.line(), key, AddressText.of(placement.address()) + " and "
                        + AddressText.of(onDevice.address()) + " (" + onDevice.owner() + ", line " + onDevice.line()
                        + ") are both on " + placement.device() + "; an alias device holds one address");
            }
            Placement ofAddress = byAddress.putIfAbsent(placement.address(), placement);
            if (ofAddress != null && !ofAddress.device().equals(placement.device())) {
                diagnostics.error(placement.line(), key, AddressText.of(placement.address()) + " is on "
                        + placement.device() + " here but on " + ofAddress.device() + " in " + ofAddress.owner()
                        + " (line " + ofAddress.line() + ")");
            }
        }
    }

    private void realServers(Scope virtual) {
        int virtualPort = virtual.get("port", Integer.class, VirtualServer.DEFAULT_PORT);
        Map<String, Scope> seen = new HashMap<>();
        for (Scope server : virtual.servers) {
            Optional<InetAddress> address = server.get("address", InetAddress.class);
            if (address.isEmpty() || !server.get("active", Boolean.class, false)) {
                continue;
            }
            String endpoint = AddressText.withPort(address.get(), server.get("port", Integer.class, virtualPort));
            Scope first = seen.putIfAbsent(endpoint, server);
            if (first != null) {
                diagnostics.errorMessage(server.line, "server", server.label() + ": " + endpoint + " is already "
                        + first.label() + " (line " + first.line + ")");
            }
        }
    }

    private static ServiceKey key(Scope virtual) {
        int fwmark = virtual.get("fwmark", Integer.class, 0);
        InetAddress vip = vip(virtual);
        return fwmark != 0
                ? new ServiceKey.Fwmark(fwmark, vip instanceof Inet6Address)
                : new ServiceKey.Address(protocol(virtual), vip,
                virtual.get("port", Integer.class, VirtualServer.DEFAULT_PORT));
    }

    private static InetAddress vip(Scope virtual) {
        return virtual.get("address", AddressDevice.class).orElseThrow().address();
    }

    private static Protocol protocol(Scope virtual) {
        return virtual.get("protocol", Protocol.class, Protocol.TCP);
    }
}
