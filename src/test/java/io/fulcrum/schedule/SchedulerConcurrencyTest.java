package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
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

    @Test
    void weightedRoundRobinOnTheKernelLoopLosesAndRepeatsNoStep() throws Exception {
        assertShares(new WeightedRoundRobin(0), TestDestination.pool(5, 3, 2), 200_000, 120_000, 80_000);
    }

    @Test
    void weightedRoundRobinOnALongCycleLosesAndRepeatsNoStep() throws Exception {
        // weights summing to 400 000 with gcd 1: exactly one cycle, walked by the kernel loop
        int[] weights = {65535, 65534, 65533, 65532, 65531, 65530, 6805};
        assertShares(new WeightedRoundRobin(1000), TestDestination.pool(weights),
                Arrays.stream(weights).asLongStream().toArray());
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
