package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoundRobinTest {

    /** weights | overload flags | picks ("." = none). */
    @ParameterizedTest(name = "[{index}] w={0} over={1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            1,1,1   |      | ABCABCA
            # weights other than 0 are ignored
            5,1,2   |      | ABCABCA
            1,0,1   |      | ACACA
            1,1,1   | -X-  | ACACA
            1,1,1   | X--  | BCBCB
            1       |      | AAA
            0,0     |      | ...
            1,1     | XX   | ...
            """)
    void rotates(String weights, String overloads, String expected) {
        RoundRobin rr = new RoundRobin();
        rr.prepare(PoolRows.pool(weights, "", overloads));

        assertThat(PoolRows.picks(rr, expected.length())).isEqualTo(expected);
    }

    @Test
    void emptyPoolPicksNothing() {
        RoundRobin rr = new RoundRobin();
        assertThat(rr.pick(Flows.ANY)).isNull();
        rr.prepare(List.of());
        assertThat(rr.pick(Flows.ANY)).isNull();
    }

    @Test
    void skippedDestsDoNotMoveTheCursorAndRejoinWhenUsable() {
        List<TestDestination> pool = TestDestination.pool(1, 1, 1);
        RoundRobin rr = new RoundRobin();
        rr.prepare(pool);
        assertThat(PoolRows.picks(rr, 1)).isEqualTo("A");
        pool.get(1).overloaded(true);
        assertThat(PoolRows.picks(rr, 1)).isEqualTo("C");
        pool.get(1).overloaded(false);
        assertThat(PoolRows.picks(rr, 3)).isEqualTo("ABC");
    }

    @Test
    void nothingUsableLeavesTheCursorWhereItWas() {
        List<TestDestination> pool = TestDestination.pool(1, 1, 1);
        RoundRobin rr = new RoundRobin();
        rr.prepare(pool);
        assertThat(PoolRows.picks(rr, 2)).isEqualTo("AB");
        pool.forEach(d -> d.overloaded(true));
        assertThat(PoolRows.picks(rr, 2)).isEqualTo("..");
        pool.forEach(d -> d.overloaded(false));
        assertThat(PoolRows.picks(rr, 2)).isEqualTo("CA");
    }

    @Test
    void addedDestsJoinTheRotationWhereTheyAreListed() {
        List<TestDestination> pool = TestDestination.pool(1, 1, 1, 1);
        RoundRobin rr = new RoundRobin();
        rr.prepare(pool.subList(0, 3));
        assertThat(PoolRows.picks(rr, 2)).isEqualTo("AB");

        rr.prepare(pool);

        assertThat(PoolRows.picks(rr, 4)).isEqualTo("CDAB");
    }

    @Test
    void aCursorThatNeverMovedStaysOnTheHead() {
        List<TestDestination> pool = TestDestination.pool(1, 1, 1);
        RoundRobin rr = new RoundRobin();
        rr.prepare(pool.subList(0, 2));
        rr.prepare(pool);

        assertThat(PoolRows.picks(rr, 3)).isEqualTo("ABC");
    }

    @Test
    void removingTheCursorDestContinuesFromItsPredecessor() {
        List<TestDestination> pool = TestDestination.pool(1, 1, 1, 1);
        RoundRobin rr = new RoundRobin();
        rr.prepare(pool);
        assertThat(PoolRows.picks(rr, 2)).isEqualTo("AB");

        rr.prepare(List.of(pool.get(0), pool.get(2), pool.get(3)));

        assertThat(PoolRows.picks(rr, 4)).isEqualTo("CDAC");
    }

    @Test
    void removingTheCursorDestAndItsPredecessorsRestartsFromTheHead() {
        List<TestDestination> pool = TestDestination.pool(1, 1, 1, 1);
        RoundRobin rr = new RoundRobin();
        rr.prepare(pool);
        assertThat(PoolRows.picks(rr, 2)).isEqualTo("AB");

        rr.prepare(List.of(pool.get(2), pool.get(3)));

        assertThat(PoolRows.picks(rr, 3)).isEqualTo("CDC");
    }

    @Test
    void theCursorFollowsItsDestWhenEarlierDestsAreRemoved() {
        List<TestDestination> pool = TestDestination.pool(1, 1, 1, 1);
        RoundRobin rr = new RoundRobin();
        rr.prepare(pool);
        assertThat(PoolRows.picks(rr, 3)).isEqualTo("ABC");

        rr.prepare(List.of(pool.get(1), pool.get(2), pool.get(3)));

        assertThat(PoolRows.picks(rr, 3)).isEqualTo("DBC");
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.RR)).isInstanceOf(RoundRobin.class);
    }
}
