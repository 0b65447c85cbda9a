package io.fulcrum.schedule;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

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

    static Arbitrary<List<PoolOps>> histories() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> weight = Arbitraries.integers().between(0, MAX_WEIGHT);
        return Arbitraries.<PoolOps>frequencyOf(
                        Tuple.of(20, Arbitraries.<PoolOps>just(new Pick())),
                        Tuple.of(4, index.<PoolOps>map(Toggle::new)),
                        Tuple.of(1, Combinators.combine(index, weight).<PoolOps>as(Reweight::new)),
                        Tuple.of(1, weight.<PoolOps>map(Add::new)),
                        Tuple.of(1, index.<PoolOps>map(Remove::new)))
                .list()
                .ofMaxSize(400);
    }

    static Arbitrary<List<Integer>> weights() {
        return Arbitraries.integers().between(0, MAX_WEIGHT).list().ofMinSize(1).ofMaxSize(6);
    }
}
