package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Event loops picking at once: every pick must be exactly one step of the sequence. */
class SchedulerConcurrencyTest {

    private static final int THREADS = 4;
    private static final int PICKS = 100_000;

    @Test
    void roundRobinLosesAndRepeatsNoStep() throws Exception {
        assertShares(new RoundRobin(), TestDestination.pool(1, 1, 1, 1), 100_000, 100_000, 100_000, 100_000);
    }

    @Test
    void weightedRoundRobinLosesAndRepeatsNoStep() throws Exception {
        // cycle of 10 (AABABCABCA for 5,3,2), 40 000 full cycles
        assertShares(new WeightedRoundRobin(), TestDestination.pool(5, 3, 2), 200_000, 120_000, 80_000);
    }

    private static void assertShares(Scheduler scheduler, List<TestDestination> pool, long... expected)
            throws Exception {
        scheduler.prepare(pool);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<long[]>> counts = new ArrayList<>();
        try (ExecutorService loops = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                counts.add(loops.submit(() -> {
                    long[] mine = new long[pool.size()];
                    start.await();
                    for (int i = 0; i < PICKS; i++) {
                        mine[pool.indexOf((TestDestination) scheduler.pick(Flows.ANY))]++;
                    }
                    return mine;
                }));
            }
        }
        long[] total = new long[pool.size()];
        for (Future<long[]> f : counts) {
            long[] mine = f.get();
            for (int i = 0; i < total.length; i++) {
                total[i] += mine[i];
            }
        }
        assertThat(total).containsExactly(expected);
    }
}
