package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fulcrum.model.SchedulerKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightedRoundRobinTest {

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
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        wrr.prepare(PoolRows.pool(weights, "", overloads));

        assertThat(PoolRows.picks(wrr, 2 * cycle.length())).isEqualTo(cycle + cycle);
    }

    @Test
    void emptyPoolPicksNothing() {
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        assertThat(wrr.pick(Flows.ANY)).isNull();
        wrr.prepare(List.of());
        assertThat(wrr.pick(Flows.ANY)).isNull();
    }

    @Test
    void aPoolChangeRestartsFromTheHeadAtTheCurrentWeight() {
        List<TestDestination> pool = TestDestination.pool(4, 3, 2);
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 2)).isEqualTo("AA");

        // cw = 3 survives (di 1, mw 4): the level where A, B and now C qualify
        wrr.prepare(List.of(pool.get(0), pool.get(1), pool.get(2).weight(3)));

        assertThat(PoolRows.picks(wrr, 10)).isEqualTo("ABCABCABCA");
    }

    @Test
    void aPoolChangeRoundsTheCurrentWeightOntoTheNewGcd() {
        List<TestDestination> pool = TestDestination.pool(4, 2, 2);
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo("A");

        // 6,2,2: di 2, mw 5; cw 3 stays 3 / 2 * 2 + 1 = 3, so the walk resumes at level 3
        wrr.prepare(List.of(pool.get(0).weight(6), pool.get(1), pool.get(2)));

        assertThat(PoolRows.picks(wrr, 9)).isEqualTo("AABCAAABC");
    }

    @Test
    void aCurrentWeightAboveTheNewMaximumStartsANewCycle() {
        List<TestDestination> pool = TestDestination.pool(4, 1);
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo("A");

        wrr.prepare(List.of(pool.get(0).weight(2), pool.get(1)));

        assertThat(PoolRows.picks(wrr, 6)).isEqualTo("AABAAB");
    }

    @Test
    void everyDestOverloadedFromAHigherLevelResetsToTheStartOfTheCycle() {
        List<TestDestination> pool = TestDestination.pool(2, 1);
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo("A");

        pool.forEach(d -> d.overloaded(true));
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo(".");
        pool.forEach(d -> d.overloaded(false));

        // the kernel ran off the cw = 1 pass and reset to (head, mw)
        assertThat(PoolRows.picks(wrr, 3)).isEqualTo("AAB");
    }

    @Test
    void everyDestOverloadedFromTheLowestLevelKeepsThePosition() {
        List<TestDestination> pool = TestDestination.pool(2, 1, 1);
        WeightedRoundRobin wrr = new WeightedRoundRobin();
        wrr.prepare(pool);
        assertThat(PoolRows.picks(wrr, 3)).isEqualTo("AAB");

        pool.forEach(d -> d.overloaded(true));
        assertThat(PoolRows.picks(wrr, 1)).isEqualTo(".");
        pool.forEach(d -> d.overloaded(false));

        assertThat(PoolRows.picks(wrr, 4)).isEqualTo("CAAB");
    }

    @Test
    void refusesACycleTooLongToPrecompute() {
        int[] weights = new int[260];
        java.util.Arrays.fill(weights, 65535);
        weights[0] = 65534;
        WeightedRoundRobin wrr = new WeightedRoundRobin();

        assertThatThrownBy(() -> wrr.prepare(TestDestination.pool(weights)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wrr cycle");
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.WRR)).isInstanceOf(WeightedRoundRobin.class);
    }
}
