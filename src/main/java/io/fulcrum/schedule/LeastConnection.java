package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;

/** lc: the smallest connection overhead wins, weights only exclude quiesced dests (ip_vs_lc.c). */
public final class LeastConnection extends StatelessScheduler {

    public LeastConnection() {
        super(SchedulerKind.LC);
    }

    @Override
    Destination pick(Destination[] pool) {
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
