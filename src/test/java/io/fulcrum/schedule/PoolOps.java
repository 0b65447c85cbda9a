package io.fulcrum.schedule;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Random histories of picks and pool edits, replayed against a scheduler and a kernel oracle. */
sealed interface PoolOps {

    int MAX_WEIGHT = 12;

    /** A new connection. */
    record Pick() implements PoolOps {
    }

    /** Flip the OVERLOAD flag of the dest at {@code index} (mod the pool size). */
    record Toggle(int index) implements PoolOps {
    }

    /** Edit the weight of the dest at {@code index} (mod the pool size). */
    record Reweight(int index, int weight) implements PoolOps {
    }

    /** Append a new dest. */
    record Add(int weight) implements PoolOps {
    }

    /** Delete the dest at {@code index} (mod the pool size). */
    record Remove(int index) implements PoolOps {
    }

    static Gen<List<PoolOps>> histories() {
        Gen<Integer> index = integers().between(0, 7);
        Gen<Integer> weight = integers().between(0, MAX_WEIGHT);
        Gen<PoolOps> op = Generate.frequency(List.of(
                Pair.of(20, Generate.<PoolOps>constant(new Pick())),
                Pair.of(4, index.<PoolOps>map(Toggle::new)),
                Pair.of(1, index.<Integer, PoolOps>zip(weight, Reweight::new)),
                Pair.of(1, weight.<PoolOps>map(Add::new)),
                Pair.of(1, index.<PoolOps>map(Remove::new))));
        return lists().of(op).ofSizeBetween(0, 400);
    }

    static Gen<List<Integer>> weights() {
        return lists().of(integers().between(0, MAX_WEIGHT)).ofSizeBetween(1, 6);
    }
}
