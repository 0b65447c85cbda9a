package io.fulcrum.proxy;

import io.fulcrum.model.AddressText;
import io.fulcrum.model.PortRuns;
import io.fulcrum.model.ServiceKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The listeners one snapshot opened and closed, logged one line per VIP and service: a fwmark group
 * of a thousand passive FTP ports is one line, not a thousand.
 */
final class ListenerChanges {

    private record Group(InetAddress vip, ServiceKey service) {
    }

    private final Map<Group, List<Integer>> opened = new LinkedHashMap<>();
    private final Map<Group, List<Integer>> closed = new LinkedHashMap<>();

    void opened(InetSocketAddress address, ServiceKey service) {
        add(opened, address, service);
    }

    void closed(InetSocketAddress address, ServiceKey service) {
        add(closed, address, service);
    }

    private static void add(Map<Group, List<Integer>> changes, InetSocketAddress address, ServiceKey service) {
        changes.computeIfAbsent(new Group(address.getAddress(), service), g -> new ArrayList<>()).add(address.getPort());
    }

    void log(Logger log) {
        closed.forEach((group, ports) -> log.info("stopped listening on {}", text(group, ports)));
        opened.forEach((group, ports) -> log.info("listening on TCP {}{}", text(group, ports),
                group.service() instanceof ServiceKey.Fwmark f ? " for fwmark " + f.mark() : ""));
    }

    private static String text(Group group, List<Integer> ports) {
        if (ports.size() == 1) {
            return AddressText.withPort(group.vip(), ports.getFirst());
        }
        return AddressText.of(group.vip()) + " ports " + PortRuns.text(ports.stream().sorted().toList());
    }
}
