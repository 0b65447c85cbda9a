package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/** ovf: fill the highest-weight dest up to {@code weight} active connections, then the next (ip_vs_ovf.c). */
public final class WeightedOverflow implements Scheduler {

    private volatile Destination[] pool = new Destination[0];

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.OVF;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        this.pool = pool.toArray(new Destination[0]);
    }

    @Override
    public Destination pick(Flow flow) {
        Destination highest = null;
        int hw = 0;
        for (Destination d : pool) {
            int w = d.weight();
            if (d.overloaded() || w == 0 || d.activeConnections() > w) {
                continue;
            }
            if (highest == null || w > hw) {
                highest = d;
                hw = w;
            }
        }
        return highest;
    }
}
