package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;

/** sed: least {@code (active + 1) / weight}, inactive connections ignored (ip_vs_sed.c). */
public final class ShortestExpectedDelay extends StatelessScheduler {

    public ShortestExpectedDelay() {
        super(SchedulerKind.SED);
    }

    @Override
    Destination pick(Destination[] pool) {
        return WeightedLeastConnection.leastExpectedDelay(pool);
    }
}
