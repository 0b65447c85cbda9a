package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;

/** fo: the highest-weight dest takes everything, connection counts ignored (ip_vs_fo.c). */
public final class WeightedFailover extends StatelessScheduler {

    public WeightedFailover() {
        super(SchedulerKind.FO);
    }

    @Override
    Destination pick(Destination[] pool) {
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
