package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/**
 * The schedulers that keep nothing between picks (lc, wlc, sed, nq, fo, ovf): prepare() only
 * publishes the pool as an array, and a pick is a function of the pool's live counters.
 */
abstract sealed class StatelessScheduler implements Scheduler
        permits LeastConnection, WeightedLeastConnection, ShortestExpectedDelay, NeverQueue, WeightedFailover,
        WeightedOverflow {

    private final SchedulerKind kind;
    private volatile Destination[] pool = new Destination[0];

    StatelessScheduler(SchedulerKind kind) {
        this.kind = kind;
    }

    @Override
    public final SchedulerKind kind() {
        return kind;
    }

    @Override
    public final void prepare(List<? extends Destination> pool) {
        this.pool = pool.toArray(new Destination[0]);
    }

    @Override
    public final Destination pick(Flow flow) {
        return pick(pool);
    }

    /** The choice over this pool, in list order; null when no dest qualifies. */
    abstract Destination pick(Destination[] pool);
}
