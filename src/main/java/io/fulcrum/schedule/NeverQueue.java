package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/** nq: the first idle dest if there is one, otherwise sed's choice (ip_vs_nq.c). */
public final class NeverQueue implements Scheduler {

    private volatile Destination[] pool = new Destination[0];

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.NQ;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        this.pool = pool.toArray(new Destination[0]);
    }

    @Override
    public Destination pick(Flow flow) {
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
