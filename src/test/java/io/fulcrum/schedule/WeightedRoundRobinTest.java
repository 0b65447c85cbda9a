package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import io.fulcrum.schedule.WeightedRoundRobinProperties.KernelWrr;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class WeightedRoundRobinTest {

    /** The two ways to run wrr: the precomputed walk, and (threshold 0) the kernel loop. */
    enum Path {
        WALK(WeightedRoundRobin.MAX_WALK),
        LOOP(0);

        private final int maxWalk;

        Path(int maxWalk) {
            this.maxWalk = maxWalk;
        }

        WeightedRoundRobin scheduler() {
            return new WeightedRoundRobin(maxWalk);
        }
    }

    /** weights | overload flags | one cycle of picks (checked twice over, "." = none). */
    @ParameterizedTest(name = "[{index}] w={0} over={1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # the reference sequences of ipvs.md 1.2
            4,3,2   |      | AABABCABC
            4,2,2   |      | AABC
            5,1,1   |      | AAAAABC
            2,4,6   |      | CBCABC
            # gcd 2, mw 5: cw runs 5, 3, 1
            6,4,2   |      | AABABC
            1,1,1   |      | ABC
            3,0,1   |      | AAAC
            # overloaded dests are skipped in the same walk
            4,3,2   | -X-  | AAACAC
            4,3,2   | X--  | BBCBC
            0,0     |      | .
            1,2     | XX   | .
            """)
    void interleaves(String weights, String overloads, String cycle) {
        for (Path path : Path.values()) {
            WeightedRoundRobin wrr = path.scheduler();
            wrr.prepare(PoolRows.pool(weights, "", overloads));

            assertThat(PoolRows.picks(wrr, 2 * cycle.length())).as("%s", path).isEqualTo(cycle + cycle);
        }
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void emptyPoolPicksNothing(Path path) {
        WeightedRoundRobin wrr = path.scheduler();
        assertThat(wrr.pick(Flows.ANY)).isNull();
        wrr.prepare(List.of());
        assertThat(wrr.pick(Flows.ANY)).isNull();
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void aPoolChangeRestartsFromTheHeadAtTheCurrentWeight(Path path) {
        List<TestDestination> pool = TestDestination.pool(4, 3, 2);
        WeightedRoundRobin wrr = path.scheduler();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 2)).isEqualTo("AA");

        // cw = 3 survives (di 1, mw 4): the level where A, B and now C qualify
        wrr.prepare(List.of(pool.get(0), pool.get(1), pool.get(2).weight(3)));

        assertThat(PoolRows.picks(wrr, 10)).isEqualTo("ABCABCABCA");
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void aPoolChangeRoundsTheCurrentWeightOntoTheNewGcd(Path path) {
        List<TestDestination> pool = TestDestination.pool(4, 2, 2);
        WeightedRoundRobin wrr = path.scheduler();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo("A");

        // 6,2,2: di 2, mw 5; cw 3 stays 3 / 2 * 2 + 1 = 3, so the walk resumes at level 3
        wrr.prepare(List.of(pool.get(0).weight(6), pool.get(1), pool.get(2)));

        assertThat(PoolRows.picks(wrr, 9)).isEqualTo("AABCAAABC");
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void aCurrentWeightAboveTheNewMaximumStartsANewCycle(Path path) {
        List<TestDestination> pool = TestDestination.pool(4, 1);
        WeightedRoundRobin wrr = path.scheduler();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo("A");

        wrr.prepare(List.of(pool.get(0).weight(2), pool.get(1)));

        assertThat(PoolRows.picks(wrr, 6)).isEqualTo("AABAAB");
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void everyDestOverloadedFromAHigherLevelResetsToTheStartOfTheCycle(Path path) {
        List<TestDestination> pool = TestDestination.pool(2, 1);
        WeightedRoundRobin wrr = path.scheduler();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo("A");

        pool.forEach(d -> d.overloaded(true));
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo(".");
        pool.forEach(d -> d.overloaded(false));

        // the kernel ran off the cw = 1 pass and reset to (head, mw)
        assertThat(PoolRows.picks(wrr, 3)).isEqualTo("AAB");
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void everyDestOverloadedFromTheLowestLevelKeepsThePosition(Path path) {
        List<TestDestination> pool = TestDestination.pool(2, 1, 1);
        WeightedRoundRobin wrr = path.scheduler();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 3)).isEqualTo("AAB");

        pool.forEach(d -> d.overloaded(true));
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo(".");
        pool.forEach(d -> d.overloaded(false));

        assertThat(PoolRows.picks(wrr, 4)).isEqualTo("CAAB");
    }

    /**
     * 1000 real servers weighted with the 1000 largest primes below 65536: a walk of about 60
     * million steps, far above what is precomputed, so the kernel loop runs. The shares match the
     * kernel's over a prefix that covers the sparse top levels (where one pick passes over many
     * dests), and over one full cycle each dest gets exactly its weight.
     */
    @Test
    void aThousandDestsWithLargeCoprimeWeightsGetTheKernelsShares() {
        int[] weights = largestPrimesBelow(65536, 1000);
        List<TestDestination> pool = TestDestination.pool(weights);
        Map<Destination, Integer> index = new IdentityHashMap<>();
        pool.forEach(d -> index.put(d, index.size()));
        KernelWrr kernel = new KernelWrr(pool);
        kernel.destChanged();
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        wrr.prepare(pool);
        long[] shares = Arrays.stream(weights).asLongStream().toArray();
        long cycle = LongStream.of(shares).sum();
        int prefix = 8_000_000;

        long[] expected = new long[weights.length];
        long[] counts = new long[weights.length];
        for (int i = 0; i < prefix; i++) {
            expected[index.get(kernel.schedule())]++;
            counts[index.get(wrr.pick(Flows.ANY))]++;
        }
        assertThat(counts).as("shares of the first %d picks", prefix).containsExactly(expected);

        for (long i = prefix; i < cycle; i++) {
            counts[index.get(wrr.pick(Flows.ANY))]++;
        }
        assertThat(counts).as("shares of one cycle").containsExactly(shares);
    }

    private static int[] largestPrimesBelow(int bound, int count) {
        int[] primes = new int[count];
        int found = 0;
        for (int p = bound - 1; found < count; p--) {
            if (BigInteger.valueOf(p).isProbablePrime(30)) {
                primes[found++] = p;
            }
        }
        return primes;
    }

    /**
     * With the heavy dests overloaded the kernel walks tens of thousands of levels where nothing
     * qualifies, on the way down and after a restart; the loop skips them, so each of these picks
     * reads every flag at most three times.
     */
    @Test
    void aPickSkipsTheLevelsNoDestReaches() {
        int[] weights = new int[1000];
        Arrays.fill(weights, 65535);
        weights[999] = 1;
        List<TestDestination> pool = TestDestination.pool(weights);
        List<CountingDestination> counted = pool.stream().map(CountingDestination::new).toList();
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        wrr.prepare(counted);
        pool.subList(0, 999).forEach(d -> d.overloaded(true));

        assertThat(wrr.pick(Flows.ANY)).isSameAs(counted.get(999));
        pool.get(999).overloaded(true);
        assertThat(wrr.pick(Flows.ANY)).isNull();
        pool.get(999).overloaded(false);
        assertThat(wrr.pick(Flows.ANY)).isSameAs(counted.get(999));

        long reads = counted.stream().mapToLong(CountingDestination::flagReads).sum();
        assertThat(reads).isLessThanOrEqualTo(3 * 3 * 1000L);
    }

    /** A dest that counts how often a pick reads its OVERLOAD flag. */
    private static final class CountingDestination implements Destination {

        private final TestDestination dest;
        private long flagReads;

        CountingDestination(TestDestination dest) {
            this.dest = dest;
        }

        long flagReads() {
            return flagReads;
        }

        @Override
        public boolean overloaded() {
            flagReads++;
            return dest.overloaded();
        }

        @Override
        public int weight() {
            return dest.weight();
        }

        @Override
        public int lastWeight() {
            return dest.lastWeight();
        }

        @Override
        public int activeConnections() {
            return dest.activeConnections();
        }

        @Override
        public int inactiveConnections() {
            return dest.inactiveConnections();
        }

        @Override
        public int addressFold() {
            return dest.addressFold();
        }

        @Override
        public int port() {
            return dest.port();
        }
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.WRR)).isInstanceOf(WeightedRoundRobin.class);
    }
}
