package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;

/** nq: the first idle dest if there is one, otherwise sed's choice (ip_vs_nq.c). */
public final class NeverQueue extends StatelessScheduler {

    public NeverQueue() {
        super(SchedulerKind.NQ);
    }

    @Override
    Destination pick(Destination[] pool) {
        Destination least = null;
        long loh = 0;
        long lw = 0;
        for (Destination d : pool) {
            int w = d.weight();
            if (d.overloaded() || w == 0) {
                continue;
            }
            int active = d.activeConnections();
            if (active == 0) {
                return d;
            }
            long doh = active + 1L;
            if (least == null || loh * w > doh * lw) {
                least = d;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }
}
