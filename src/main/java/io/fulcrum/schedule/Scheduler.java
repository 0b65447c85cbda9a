package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/**
 * Chooses the real server for each new connection of one virtual server, with the exact semantics
 * of the IPVS scheduler of the same name.
 *
 * <p>Threading: {@link #prepare} runs on the control side whenever the pool changes (a real server
 * added, removed, or re-weighted) and publishes its tables safely; {@link #pick} runs on the data
 * path, concurrently from several event loops, and must not block or allocate.
 */
public interface Scheduler {

    SchedulerKind kind();

    /**
     * Takes a new pool, in IPVS list order (the order of the {@code server} blocks): tie-breaking
     * and the hash tables depend on it. Destinations that appear in the previous pool (the same
     * object) keep whatever per-destination state the algorithm holds.
     */
    void prepare(List<? extends Destination> pool);

    /** The real server for a new connection, or {@code null} when none qualifies. */
    Destination pick(Flow flow);
}
