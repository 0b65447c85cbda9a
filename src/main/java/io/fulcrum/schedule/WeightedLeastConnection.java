package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;

/** wlc, the IPVS default: least overhead per unit of weight (ip_vs_wlc.c). */
public final class WeightedLeastConnection extends StatelessScheduler {

    public WeightedLeastConnection() {
        super(SchedulerKind.WLC);
    }

    @Override
    Destination pick(Destination[] pool) {
        return leastLoaded(pool);
    }

    /**
     * The wlc choice over {@code dests} (lblc and lblcr fall back to it): the first usable dest is
     * the candidate, a later one replaces it only if strictly less loaded, compared as
     * {@code loh * w(d) > doh * w(least)} in 64 bits so that no division is needed.
     */
    static Destination leastLoaded(Destination[] dests) {
        return least(dests, false);
    }

    /** sed's choice: the same comparison with IPVS {@code ip_vs_sed_dest_overhead()} = active + 1. */
    static Destination leastExpectedDelay(Destination[] dests) {
        return least(dests, true);
    }

    private static Destination least(Destination[] dests, boolean expectedDelay) {
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
        long loh = cost(least, expectedDelay);
        for (i++; i < dests.length; i++) {
            Destination d = dests[i];
            if (d.overloaded()) {
                continue;
            }
            // a weight-0 dest makes the left side 0, so it can never win
            int w = d.weight();
            long doh = cost(d, expectedDelay);
            if (loh * w > doh * lw) {
                least = d;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }

    private static long cost(Destination d, boolean expectedDelay) {
        return expectedDelay ? d.activeConnections() + 1L : d.overhead();
    }
}
