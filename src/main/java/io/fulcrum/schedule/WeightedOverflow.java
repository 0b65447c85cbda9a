package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;

/** ovf: fill the highest-weight dest up to {@code weight} active connections, then the next (ip_vs_ovf.c). */
public final class WeightedOverflow extends StatelessScheduler {

    public WeightedOverflow() {
        super(SchedulerKind.OVF);
    }

    @Override
    Destination pick(Destination[] pool) {
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
