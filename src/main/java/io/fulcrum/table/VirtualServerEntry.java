package io.fulcrum.table;

import io.fulcrum.model.ServiceKey;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.schedule.Flow;
import io.fulcrum.schedule.Scheduler;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One virtual server as it stands in one snapshot: its configuration, the pool the scheduler was
 * prepared with (IPVS's dest list: real servers that are up or quiesced, in lvs.cf order), and the
 * sorry server used while no real server is up.
 */
public final class VirtualServerEntry {

    private final VirtualServer config;
    private final ServiceKey key;
    private final PoolMember[] pool;
    private final boolean anyUp;
    private final Scheduler scheduler;
    private final PersistenceTable persistence;
    private final PoolMember sorry;

    VirtualServerEntry(VirtualServer config, List<PoolMember> pool, Scheduler scheduler,
                       PersistenceTable persistence, PoolMember sorry) {
        this.config = Objects.requireNonNull(config, "config");
        this.key = config.key();
        this.pool = pool.toArray(new PoolMember[0]);
        this.anyUp = pool.stream().anyMatch(m -> m.weight() > 0);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.persistence = persistence;
        this.sorry = sorry;
    }

    public VirtualServer config() {
        return config;
    }

    /** The service key, computed once. */
    public ServiceKey key() {
        return key;
    }

    /** The real servers in the table, in lvs.cf order, as ipvsadm lists them. */
    public List<PoolMember> pool() {
        return Arrays.asList(pool.clone());
    }

    public Optional<PoolMember> sorryServer() {
        return Optional.ofNullable(sorry);
    }

    public Optional<PersistenceTable> persistence() {
        return Optional.ofNullable(persistence);
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Chooses where a new connection from {@code client} goes, as IPVS does: the client network's
     * persistence template if it has a valid one, else the scheduler (and a new template when the
     * virtual server is persistent); the sorry server only while no real server is up. Null when
     * nothing qualifies (the caller refuses the connection).
     */
    public Placement place(InetAddress client, Flow flow) {
        if (!anyUp) {
            return sorry == null ? null : new Placement(sorry, null);
        }
        if (persistence != null) {
            return persistence.place(client, this::memberWith, () -> (PoolMember) scheduler.pick(flow));
        }
        PoolMember chosen = (PoolMember) scheduler.pick(flow);
        return chosen == null ? null : new Placement(chosen, null);
    }

    private PoolMember memberWith(RealServerCounters counters) {
        for (PoolMember member : pool) {
            if (member.counters() == counters) {
                return member;
            }
        }
        return null;
    }
}
