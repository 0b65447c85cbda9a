package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/** lc: the smallest connection overhead wins, weights only exclude quiesced dests (ip_vs_lc.c). */
public final class LeastConnection implements Scheduler {

    private volatile Destination[] pool = new Destination[0];

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.LC;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        this.pool = pool.toArray(new Destination[0]);
    }

    @Override
    public Destination pick(Flow flow) {
        Destination least = null;
        long loh = 0;
        for (Destination d : pool) {
            if (d.overloaded() || d.weight() == 0) {
                continue;
            }
            long doh = d.overhead();
            // strict: the earlier dest keeps a tie
            if (least == null || doh < loh) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
}
