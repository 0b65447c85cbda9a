package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/** sed: least {@code (active + 1) / weight}, inactive connections ignored (ip_vs_sed.c). */
public final class ShortestExpectedDelay implements Scheduler {

    private volatile Destination[] pool = new Destination[0];

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.SED;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        this.pool = pool.toArray(new Destination[0]);
    }

    @Override
    public Destination pick(Flow flow) {
        Destination[] dests = pool;
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
        long loh = expectedDelay(least);
        for (i++; i < dests.length; i++) {
            Destination d = dests[i];
            if (d.overloaded()) {
                continue;
            }
            int w = d.weight();
            long doh = expectedDelay(d);
            if (loh * w > doh * lw) {
                least = d;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }

    /** IPVS {@code ip_vs_sed_dest_overhead()}, shared with nq. */
    static long expectedDelay(Destination d) {
        return d.activeConnections() + 1L;
    }
}
