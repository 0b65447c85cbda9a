package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/** wlc, the IPVS default: least overhead per unit of weight (ip_vs_wlc.c). */
public final class WeightedLeastConnection implements Scheduler {

    private volatile Destination[] pool = new Destination[0];

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.WLC;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        this.pool = pool.toArray(new Destination[0]);
    }

    @Override
    public Destination pick(Flow flow) {
        return leastLoaded(pool);
    }

    /**
     * The wlc choice over {@code dests} (lblc and lblcr fall back to it): the first usable dest is
     * the candidate, a later one replaces it only if strictly less loaded, compared as
     * {@code loh * w(d) > doh * w(least)} in 64 bits so that no division is needed.
     */
    static Destination leastLoaded(Destination[] dests) {
        int i = 0;
        Destination least = null;
        long lw = 0;
        for (; i < dests.length; i++) {
            Destination d = dests[i];
            int w = d.weight();
            if (!d.overloaded() && w > 0) {
                least = d;
                lw = w;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = least.overhead();
        for (i++; i < dests.length; i++) {
            Destination d = dests[i];
            if (d.overloaded()) {
                continue;
            }
            // a weight-0 dest makes the left side 0, so it can never win
            int w = d.weight();
            long doh = d.overhead();
            if (loh * w > doh * lw) {
                least = d;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }
}
