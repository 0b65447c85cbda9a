package io.fulcrum.schedule;

import static io.fulcrum.schedule.LocalityBasedLeastConnection.isAvailable;
import static io.fulcrum.schedule.LocalityBasedLeastConnection.isOverloaded;

import io.fulcrum.model.SchedulerKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * lblcr: like lblc, but each destination address maps to a set of dests that grows when all its
 * members are overloaded and sheds its most loaded member once it has not changed for the
 * expiration time (ip_vs_lblcr.c).
 */
public final class LocalityBasedLeastConnectionWithReplication implements Scheduler {

    /** The default of the sysctl {@code net.ipv4.vs.lblcr_expiration}. */
    public static final Duration DEFAULT_EXPIRATION = Duration.ofHours(24);

    /**
     * A dest set, immutable: members newest first (the kernel inserts at the head, and the order
     * breaks ties) and the time of the last change. A change swaps in a new set by CAS, so a set
     * allocates only when it changes, at most once per pool member per expiration period.
     */
    private static final class Members {

        final Destination[] dests;
        final long lastMod;

        Members(Destination[] dests, long lastMod) {
            this.dests = dests;
            this.lastMod = lastMod;
        }

        boolean contains(Destination d) {
            for (Destination m : dests) {
                if (m == d) {
                    return true;
                }
            }
            return false;
        }

        Members withFirst(Destination d, long now) {
            Destination[] grown = new Destination[dests.length + 1];
            grown[0] = d;
            System.arraycopy(dests, 0, grown, 1, dests.length);
            return new Members(grown, now);
        }

        Members without(Destination d, long now) {
            Destination[] shrunk = new Destination[dests.length - 1];
            int j = 0;
            for (Destination m : dests) {
                if (m != d) {
                    shrunk[j++] = m;
                }
            }
            return new Members(shrunk, now);
        }
    }

    private static final class Replicated extends LocalityTable.Entry {

        final AtomicReference<Members> members;

        Replicated(int key, Destination first, long now) {
            super(key, now);
            this.members = new AtomicReference<>(new Members(new Destination[] {first}, now));
        }

        /** ip_vs_dest_set_insert(check = true): at the head unless already a member. */
        void add(Destination d, long now) {
            Members set;
            do {
                set = members.get();
                if (set.contains(d)) {
                    return;
                }
            } while (!members.compareAndSet(set, set.withFirst(d, now)));
        }
    }

    private final LongSupplier nanoClock;
    private final long expiration;
    private final LocalityTable<Replicated> table;
    private volatile Destination[] pool = new Destination[0];

    /** @param expiration how long an unused entry lives and an unchanged set stays whole (lblcr_expiration) */
    public LocalityBasedLeastConnectionWithReplication(LongSupplier nanoClock, Duration expiration) {
        this.nanoClock = nanoClock;
        this.expiration = expiration.toNanos();
        this.table = new LocalityTable<>(this.expiration, nanoClock.getAsLong());
    }

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.LBLCR;
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
        Replicated entry = table.find(key);
        if (entry != null && table.isLive(entry, now)) {
            entry.lastUse = now;
            Members set = entry.members.get();
            Destination least = leastLoadedMember(set, dests);
            if (set.dests.length > 1 && now - set.lastMod > expiration) {
                Destination most = mostLoadedMember(set);
                if (most != null) {
                    // a lost CAS means another pick changed the set just now: nothing to shed
                    entry.members.compareAndSet(set, set.without(most, now));
                }
            }
            if (least != null && !isOverloaded(least, dests)) {
                return least;
            }
            Destination chosen = WeightedLeastConnection.leastLoaded(dests);
            if (chosen != null) {
                entry.add(chosen, now);
            }
            return chosen;
        }
        Destination chosen = WeightedLeastConnection.leastLoaded(dests);
        if (chosen == null) {
            return null;
        }
        if (entry != null) {
            // expired: the kernel would have dropped it, so it starts over as a new entry
            entry.members.set(new Members(new Destination[] {chosen}, now));
            entry.lastUse = now;
        } else {
            Replicated cached = table.insert(new Replicated(key, chosen, now), now);
            if (cached != null) {
                cached.add(chosen, now);
            }
        }
        return chosen;
    }

    /** ip_vs_dest_set_min(): wlc over the members that are available, weighted and not OVERLOAD. */
    private static Destination leastLoadedMember(Members set, Destination[] pool) {
        Destination[] members = set.dests;
        int i = 0;
        Destination least = null;
        long lw = 0;
        for (; i < members.length; i++) {
            Destination d = members[i];
            if (d.overloaded()) {
                continue;
            }
            int w = d.weight();
            if (w > 0 && isAvailable(d, pool)) {
                least = d;
                lw = w;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = least.overhead();
        for (i++; i < members.length; i++) {
            Destination d = members[i];
            if (d.overloaded()) {
                continue;
            }
            int w = d.weight();
            long doh = d.overhead();
            if (loh * w > doh * lw && isAvailable(d, pool)) {
                least = d;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }

    /** ip_vs_dest_set_max(): the weighted member with the most overhead per weight, earlier on ties. */
    private static Destination mostLoadedMember(Members set) {
        Destination most = null;
        long moh = 0;
        long mw = 0;
        for (Destination d : set.dests) {
            int w = d.weight();
            if (w <= 0) {
                continue;
            }
            long doh = d.overhead();
            if (most == null || moh * w < doh * mw) {
                most = d;
                moh = doh;
                mw = w;
            }
        }
        return most;
    }
}
