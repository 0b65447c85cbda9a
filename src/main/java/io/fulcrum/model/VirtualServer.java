package io.fulcrum.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A virtual server (lvs.cf {@code virtual NAME { }}).
 *
 * @param address        the VIP
 * @param device         the interface alias the VIP is brought up on, e.g. {@code eth0:1}
 * @param vipPrefix      the VIP's netmask as a prefix length
 * @param port           the virtual port, also the default real-server and check port
 * @param fwmark         firewall mark; 0 = an address service
 * @param fwmarkPorts    the ports a fwmark service groups, where the proxy listens on the VIP
 * @param sorryServer    where connections go while no real server is up
 */
public record VirtualServer(
        String name,
        boolean active,
        InetAddress address,
        Optional<String> device,
        OptionalInt vipPrefix,
        int port,
        Protocol protocol,
        int fwmark,
        List<Integer> fwmarkPorts,
        SchedulerKind scheduler,
        Set<SchedulerFlag> schedulerFlags,
        Persistence persistence,
        Optional<SorryServer> sorryServer,
        HealthCheck health,
        ProxySettings proxy,
        LegacyVirtualKeys legacy,
        List<RealServer> realServers) {

    public static final int DEFAULT_PORT = 80;

    public VirtualServer {
        Checks.name(name, "virtual server name");
        Objects.requireNonNull(address, "address");
        Checks.text(device, "device");
        Objects.requireNonNull(vipPrefix, "vipPrefix");
        vipPrefix.ifPresent(p -> Checks.inRange(p, 0, address instanceof Inet6Address ? 128 : 32, "vip prefix"));
        Checks.port(port, "port");
        Objects.requireNonNull(protocol, "protocol");
        Checks.inRange(fwmark, 0, Integer.MAX_VALUE, "fwmark");
        fwmarkPorts = List.copyOf(fwmarkPorts);
        fwmarkPorts.forEach(p -> Checks.port(p, "fwmark port"));
        Objects.requireNonNull(scheduler, "scheduler");
        schedulerFlags = Set.copyOf(schedulerFlags);
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(sorryServer, "sorryServer");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(legacy, "legacy");
        realServers = List.copyOf(realServers);
    }

    public ServiceKey key() {
        return fwmark != 0
                ? new ServiceKey.Fwmark(fwmark, address instanceof Inet6Address)
                : new ServiceKey.Address(protocol, address, port);
    }

    /**
     * The port on {@code real} for a connection that came to VIP:{@code port}: a fwmark service keeps
     * the client's port, as IPVS does for a persistent fwmark service (its real server's port is then
     * only the health check's port), so that every port of the group reaches the same port behind;
     * an address service maps to the real server's port.
     */
    public int realPort(RealServer real, int port) {
        return fwmark != 0 ? port : real.port();
    }

    public List<SchedulerFlag> sortedSchedulerFlags() {
        return schedulerFlags.stream().sorted(Comparator.naturalOrder()).toList();
    }
}
