package io.fulcrum.table;

import io.fulcrum.model.CheckType;
import io.fulcrum.model.Config;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.model.SorryServer;
import io.fulcrum.model.Timeouts;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.schedule.Scheduler;
import io.fulcrum.schedule.Schedulers;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The single writer of runtime state (shared/design.md): merges the configuration and the health
 * of each real server into immutable {@link TableSnapshot}s, published through one atomic
 * reference. A reload is applied as a diff: a virtual server keeps its scheduler state and
 * persistence templates (when their settings are unchanged), and a real server with the same
 * address and port keeps its counters and health.
 *
 * <p>A virtual server is the same across a reload when it keeps its name (its {@code virtual NAME}
 * block, which also names its health checks), whatever its address, port or firewall mark: moving
 * a service to another key keeps its real servers in the pool. A virtual server whose name is new
 * takes over the state of the one that had its service key, unless that one's name is still in the
 * new configuration (then it is claimed by name), so no two virtual servers share one state.
 *
 * <p>All writes are serialised on this object and run on the control side; the data path only
 * calls {@link #snapshot()}.
 */
public final class VirtualServerTable {

    /** A real server of one virtual server, as IPVS identifies a dest. */
    public record MemberKey(ServiceKey service, InetAddress address, int port) {
    }

    /** Control-side state of one real server; guarded by the table. */
    private static final class MemberState {
        final PoolMember member;
        boolean inPool;

        MemberState(PoolMember member, boolean inPool) {
            this.member = member;
            this.inPool = inPool;
        }
    }

    /** Control-side state of one virtual server; guarded by the table. */
    private record ServiceState(VirtualServer config, Scheduler scheduler, PersistenceTable persistence,
                                Map<RealServerAddress, MemberState> members, PoolMember sorry) {
    }

    private record RealServerAddress(InetAddress address, int port) {
    }

    private final LongSupplier nanoClock;
    private final AtomicReference<TableSnapshot> current = new AtomicReference<>(TableSnapshot.EMPTY);
    private Map<ServiceKey, ServiceState> services = Map.of();
    private Timeouts timeouts = Timeouts.DEFAULT;
    private final Map<ServiceKey, VirtualServerEntry> entries = new HashMap<>();

    public VirtualServerTable(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    public VirtualServerTable() {
        this(System::nanoTime);
    }

    /** The table now; cheap, lock-free, for the data path. */
    public TableSnapshot snapshot() {
        return current.get();
    }

    /**
     * Applies a validated configuration as a diff and publishes the result. Real servers new to
     * the table start out of the pool until their first good check (nanny adds a real server only
     * then), except where the virtual server's check is {@code none}.
     */
    public synchronized TableSnapshot apply(Config config) {
        Map<String, ServiceState> byName = new HashMap<>();
        services.values().forEach(state -> byName.put(state.config().name(), state));
        Set<String> names = new HashSet<>();
        config.virtualServers().stream().filter(VirtualServer::active).forEach(v -> names.add(v.name()));
        Map<ServiceKey, ServiceState> next = new LinkedHashMap<>();
        for (VirtualServer virtualServer : config.virtualServers()) {
            if (virtualServer.active()) {
                ServiceState old = byName.get(virtualServer.name());
                if (old == null) {
                    old = services.get(virtualServer.key());
                    old = old == null || names.contains(old.config().name()) ? null : old;
                }
                next.put(virtualServer.key(), carryOver(virtualServer, old));
            }
        }
        services = next;
        timeouts = config.timeouts();
        entries.clear();
        next.forEach((key, state) -> entries.put(key, build(state)));
        return publish();
    }

    /**
     * The health monitor's verdict for one real server: whether it is in the pool and the weight in
     * force (0 when quiesced, less than configured while slow-starting). Unknown keys are ignored:
     * the real server may have been removed by a reload while its check was running.
     */
    public synchronized TableSnapshot setHealth(MemberKey key, boolean inPool, int weight) {
        return setHealth(services.get(key.service()), key.address(), key.port(), inPool, weight);
    }

    /**
     * The same, for a real server of the virtual server named {@code virtualServer}: the health
     * monitor names its checks, and a reload may have moved the virtual server to another key.
     */
    public synchronized TableSnapshot setHealth(String virtualServer, InetAddress address, int port,
                                                boolean inPool, int weight) {
        ServiceState service = services.values().stream()
                .filter(state -> state.config().name().equals(virtualServer)).findFirst().orElse(null);
        return setHealth(service, address, port, inPool, weight);
    }

    private TableSnapshot setHealth(ServiceState service, InetAddress address, int port, boolean inPool, int weight) {
        MemberState member = service == null ? null : service.members().get(new RealServerAddress(address, port));
        if (member == null || (member.inPool == inPool && member.member.weight() == weight)) {
            return current.get();
        }
        member.inPool = inPool;
        member.member.weight(weight);
        entries.put(service.config().key(), build(service));
        return publish();
    }

    /**
     * Drops the persistence templates that have expired, in every virtual server; returns how many.
     * Runs on a control thread now and then, so that memory is bounded by the live templates.
     */
    public int expireTemplates() {
        int expired = 0;
        for (VirtualServerEntry entry : current.get().entries()) {
            expired += entry.persistence().map(PersistenceTable::expire).orElse(0);
        }
        return expired;
    }

    private ServiceState carryOver(VirtualServer config, ServiceState old) {
        Scheduler scheduler = old != null
                && old.config().scheduler() == config.scheduler()
                && old.config().schedulerFlags().equals(config.schedulerFlags())
                ? old.scheduler()
                : Schedulers.create(config.scheduler(), config.schedulerFlags(), nanoClock);
        PersistenceTable persistence = !config.persistence().isPersistent() ? null
                : old != null && old.persistence() != null && old.config().persistence().equals(config.persistence())
                ? old.persistence()
                : new PersistenceTable(config.persistence(), nanoClock);
        Map<RealServerAddress, MemberState> members = new LinkedHashMap<>();
        boolean alwaysUp = config.health().type() == CheckType.NONE;
        for (RealServer realServer : config.realServers()) {
            if (!realServer.active()) {
                continue;
            }
            RealServerAddress address = new RealServerAddress(realServer.address(), realServer.port());
            MemberState previous = old == null ? null : old.members().get(address);
            members.put(address, previous == null
                    ? new MemberState(new PoolMember(realServer, new RealServerCounters()), alwaysUp)
                    : reconfigured(previous, realServer, alwaysUp));
        }
        PoolMember sorry = old != null && old.config().sorryServer().equals(config.sorryServer())
                ? old.sorry()
                : config.sorryServer().map(VirtualServerTable::sorryMember).orElse(null);
        return new ServiceState(config, scheduler, persistence, members, sorry);
    }

    /**
     * A kept real server takes its new settings. A weight in force at the old configured value
     * follows the new one; a lower one (quiesced, slow-starting) stays until the monitor says more.
     */
    private static MemberState reconfigured(MemberState state, RealServer config, boolean alwaysUp) {
        PoolMember member = state.member;
        int inForce = member.weight();
        if (inForce == member.realServer().weight() || inForce > config.weight()) {
            member.weight(config.weight());
        }
        member.reconfigure(config);
        state.inPool |= alwaysUp;
        return state;
    }

    private static VirtualServerEntry build(ServiceState state) {
        List<PoolMember> pool = new ArrayList<>();
        for (MemberState member : state.members().values()) {
            if (member.inPool) {
                pool.add(member.member);
            }
        }
        state.scheduler().prepare(pool);
        return new VirtualServerEntry(state.config(), pool, state.scheduler(), state.persistence(), state.sorry());
    }

    /** lvsd added the sorry server with weight 1 (piranha.md 4.3). */
    private static PoolMember sorryMember(SorryServer sorry) {
        return new PoolMember(new RealServer("sorry_server", sorry.address(), true, 1, sorry.port(), 0, 0),
                new RealServerCounters());
    }

    private TableSnapshot publish() {
        List<VirtualServerEntry> ordered = new ArrayList<>();
        services.keySet().forEach(key -> ordered.add(entries.get(key)));
        TableSnapshot snapshot = new TableSnapshot(current.get().version() + 1, timeouts, ordered);
        current.set(snapshot);
        return snapshot;
    }
}
