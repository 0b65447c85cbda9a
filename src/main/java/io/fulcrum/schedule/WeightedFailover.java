package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/** fo: the highest-weight dest takes everything, connection counts ignored (ip_vs_fo.c). */
public final class WeightedFailover implements Scheduler {

    private volatile Destination[] pool = new Destination[0];

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.FO;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        this.pool = pool.toArray(new Destination[0]);
    }

    @Override
    public Destination pick(Flow flow) {
        Destination highest = null;
        // starting at 0 with a strict > keeps weight 0 out and the earlier dest on a tie
        int hw = 0;
        for (Destination d : pool) {
            int w = d.weight();
            if (!d.overloaded() && w > hw) {
                highest = d;
                hw = w;
            }
        }
        return highest;
    }
}
