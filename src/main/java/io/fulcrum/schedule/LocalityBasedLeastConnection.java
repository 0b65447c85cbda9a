package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * lblc: each destination address (for a plain VIP service: the VIP, so all clients) sticks to one
 * dest, chosen by wlc, until that dest is overloaded by lblc's own rule (ip_vs_lblc.c).
 */
public final class LocalityBasedLeastConnection implements Scheduler {

    /** The default of the sysctl {@code net.ipv4.vs.lblc_expiration}. */
    public static final Duration DEFAULT_EXPIRATION = Duration.ofHours(24);

    private static final class Cached extends LocalityTable.Entry {

        volatile Destination dest;

        Cached(int key, Destination dest, long now) {
            super(key, now);
            this.dest = dest;
        }
    }

    private final LongSupplier nanoClock;
    private final LocalityTable<Cached> table;
    private volatile Destination[] pool = new Destination[0];

    /** @param expiration how long an unused entry lives (lblc_expiration) */
    public LocalityBasedLeastConnection(LongSupplier nanoClock, Duration expiration) {
        this.nanoClock = nanoClock;
        this.table = new LocalityTable<>(expiration.toNanos(), nanoClock.getAsLong());
    }

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.LBLC;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        this.pool = pool.toArray(new Destination[0]);
    }

    @Override
    public Destination pick(Flow flow) {
        Destination[] dests = pool;
        long now = nanoClock.getAsLong();
        table.collect(now);
        int key = flow.destinationFold();
        Cached entry = table.find(key);
        if (entry != null && table.isLive(entry, now)) {
            entry.lastUse = now;
            Destination cached = entry.dest;
            // deliberately no OVERLOAD check here: the kernel only applies is_overloaded()
            if (isAvailable(cached, dests) && cached.weight() > 0 && !isOverloaded(cached, dests)) {
                return cached;
            }
        }
        Destination chosen = WeightedLeastConnection.leastLoaded(dests);
        if (chosen == null) {
            return null;
        }
        if (entry == null) {
            // the only allocation: a destination address seen for the first time
            entry = table.insert(new Cached(key, chosen, now), now);
        }
        if (entry != null) {
            // dest before lastUse: whoever sees the entry live again sees its new dest
            entry.dest = chosen;
            entry.lastUse = now;
        }
        return chosen;
    }

    /** The kernel's IP_VS_DEST_F_AVAILABLE: the dest is still in the service (the prepared pool). */
    static boolean isAvailable(Destination dest, Destination[] pool) {
        for (Destination d : pool) {
            if (d == dest) {
                return true;
            }
        }
        return false;
    }

    /**
     * lblc/lblcr's is_overloaded(): more active connections than its weight while some dest in the
     * service is below half of its own. Weights count connections here, raw.
     */
    static boolean isOverloaded(Destination dest, Destination[] pool) {
        if (dest.activeConnections() <= dest.weight()) {
            return false;
        }
        for (Destination d : pool) {
            if (2L * d.activeConnections() < d.weight()) {
                return true;
            }
        }
        return false;
    }
}
