package io.fulcrum.admin;

import io.fulcrum.admin.wire.ConnectionEntry;
import io.fulcrum.admin.wire.HealthCheckStatus;
import io.fulcrum.admin.wire.Rates;
import io.fulcrum.admin.wire.PairStatus;
import io.fulcrum.admin.wire.RealServerStatus;
import io.fulcrum.admin.wire.Stats;
import io.fulcrum.admin.wire.Status;
import io.fulcrum.admin.wire.VirtualServerStatus;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Forwarding;
import io.fulcrum.model.Persistence;
import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.Engine;
import io.fulcrum.table.PersistenceTable;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.RateEstimator;
import io.fulcrum.table.RealServerCounters;
import io.fulcrum.table.TableSnapshot;
import io.fulcrum.table.VirtualServerEntry;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The daemon's {@link StatusSource}: the wire records built from the table's current snapshot, the
 * live counters, the rate estimator and the engine.
 *
 * <p>A virtual server's totals are the sums over the real servers listed (IPVS keeps separate
 * service counters that also remember removed dests; Fulcrum's counters live with the real servers).
 * The sorry server is listed, with weight 1, while it is in use, which is when lvsd had it in IPVS.
 */
public final class TableStatus implements StatusSource {

    private final Supplier<TableSnapshot> table;
    private final Supplier<Forwarding> forwarding;
    private final Engine engine;
    private final RateEstimator rates;
    private final String version;
    private final Supplier<PairStatus> pair;
    private final Supplier<List<HealthCheckStatus>> health;

    /**
     * @param forwarding the configuration's {@code network} now: it is global in lvs.cf, not part of
     *                   the table
     * @param health     the running health checks
     */
    public TableStatus(Supplier<TableSnapshot> table, Supplier<Forwarding> forwarding, Engine engine,
                       RateEstimator rates, String version, Supplier<PairStatus> pair,
                       Supplier<List<HealthCheckStatus>> health) {
        this.table = Objects.requireNonNull(table, "table");
        this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.rates = Objects.requireNonNull(rates, "rates");
        this.version = Objects.requireNonNull(version, "version");
        this.pair = Objects.requireNonNull(pair, "pair");
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public Status status() {
        String forward = forwarding.get().ipvsadmLabel();
        List<VirtualServerStatus> virtualServers = new ArrayList<>();
        for (VirtualServerEntry entry : table.get().entries()) {
            virtualServers.add(virtualServer(entry, forward));
        }
        return new Status(version, engine.name(), virtualServers, pair.get(), health.get());
    }

    /** Open connections, then the persistence templates, as {@code ipvsadm -L -n -c} lists both. */
    @Override
    public List<ConnectionEntry> connections() {
        List<ConnectionEntry> entries = new ArrayList<>(engine.connections().stream().map(TableStatus::connection).toList());
        for (VirtualServerEntry entry : table.get().entries()) {
            entry.persistence().ifPresent(persistence -> persistence.templates()
                    .forEach(template -> template(entry, template).ifPresent(entries::add)));
        }
        return entries;
    }

    /**
     * A template row as IPVS shows it: client port 0, state NONE; a fwmark service's template has
     * protocol IP, the mark as the virtual address and port 0 everywhere.
     */
    private static Optional<ConnectionEntry> template(VirtualServerEntry entry, PersistenceTable.TemplateView template) {
        VirtualServer config = entry.config();
        return entry.pool().stream().filter(m -> m.counters() == template.member()).findFirst().map(member -> {
            boolean fwmark = config.fwmark() != 0;
            String virtual = fwmark
                    ? (config.fwmark() >>> 24) + "." + (config.fwmark() >>> 16 & 0xff) + "."
                            + (config.fwmark() >>> 8 & 0xff) + "." + (config.fwmark() & 0xff) + ":0"
                    : AddressText.withPort(config.address(), config.port());
            return new ConnectionEntry(fwmark ? "IP" : config.protocol().label(), template.expires().toSeconds(), "NONE",
                    AddressText.withPort(template.clientNetwork(), 0), virtual,
                    AddressText.withPort(member.realServer().address(), fwmark ? 0 : member.realServer().port()));
        });
    }

    private VirtualServerStatus virtualServer(VirtualServerEntry entry, String forward) {
        VirtualServer config = entry.config();
        List<PoolMember> listed = new ArrayList<>(entry.pool());
        if (listed.stream().noneMatch(m -> m.weight() > 0)) {
            entry.sorryServer().ifPresent(listed::add);
        }
        List<RealServerStatus> realServers = listed.stream().map(m -> realServer(m, forward)).toList();
        Stats stats = realServers.stream().map(RealServerStatus::stats).reduce(Stats.ZERO, Stats::plus);
        Rates totalRates = realServers.stream().map(RealServerStatus::rates).reduce(Rates.ZERO, Rates::plus);
        Persistence persistence = config.persistence();
        return new VirtualServerStatus(config.name(), config.key().label(), config.fwmark(), config.protocol().label(),
                AddressText.of(config.address()), config.port(), config.scheduler().lvsName(),
                config.sortedSchedulerFlags().stream().map(SchedulerFlag::lvsName).toList(),
                persistence.timeoutSeconds(), persistentMask(persistence, config.address() instanceof Inet6Address),
                stats, totalRates, realServers);
    }

    private RealServerStatus realServer(PoolMember member, String forward) {
        RealServerCounters counters = member.counters();
        RateEstimator.Rates estimate = rates.rates(counters);
        return new RealServerStatus(member.realServer().name(), AddressText.of(member.realServer().address()),
                member.realServer().port(), member.realServer().endpoint(), forward, member.weight(),
                counters.activeConnections(), counters.inactiveConnections(),
                new Stats(counters.connections(), 0, 0, counters.inBytes(), counters.outBytes()),
                new Rates(estimate.cps(), 0, 0, estimate.inBps(), estimate.outBps()));
    }

    /** ipvsadm prints the mask only when it is narrower than a whole address. */
    static String persistentMask(Persistence persistence, boolean ipv6) {
        if (!persistence.isPersistent() || persistence.prefixLength().isEmpty()) {
            return null;
        }
        int prefix = persistence.prefixLength().getAsInt();
        if (ipv6) {
            return prefix == 128 ? null : Integer.toString(prefix);
        }
        if (prefix >= 32) {
            return null;
        }
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (mask >>> 24) + "." + (mask >>> 16 & 0xff) + "." + (mask >>> 8 & 0xff) + "." + (mask & 0xff);
    }

    private static ConnectionEntry connection(ConnectionView view) {
        return new ConnectionEntry(view.protocol().label(), view.expires().toSeconds(), view.state(),
                endpoint(view.client()), endpoint(view.virtual()), endpoint(view.real()));
    }

    private static String endpoint(InetSocketAddress address) {
        return AddressText.withPort(address.getAddress(), address.getPort());
    }
}
