package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalityBasedLeastConnectionWithReplicationTest {

    private static final long DAY = Duration.ofHours(24).toNanos();

    private final AtomicLong clock = new AtomicLong();
    private final Scheduler lblcr = Schedulers.create(SchedulerKind.LBLCR, Set.of(), clock::get);

    /**
     * weights | counts, overload flags and pick for a first connection to the VIP | counts, flags
     * and pick for the next one, which finds the set the first created.
     */
    @ParameterizedTest(name = "[{index}] w={0}: {1} {2} -> {3}, then {4} {5} -> {6}")
    @CsvSource(delimiter = '|', textBlock = """
            # sticks although wlc would now prefer B
            1,1   |         |     | A    | 1/0,0/0     |     | A
            # unlike lblc, an OVERLOAD member is skipped and wlc adds B to the set
            1,1   |         |     | A    | 0/0,0/0     | X-  | B
            # is_overloaded(), as in lblc
            1,1   |         |     | A    | 2/0,0/0     |     | B
            1,1   |         |     | A    | 2/0,1/0     |     | A
            1,10  |         |     | A    | 2/0,4/0     |     | B
            1,1,1 |         |     | A    | 2/0,0/0,0/0 | -X- | C
            1,1   | 3/0,1/0 |     | B    | 3/0,1/0     |     | B
            0,0   |         |     | none |             |     | none
            1,1   |         | XX  | none |             | XX  | none
            """)
    void usesTheLeastLoadedMember(
            String weights, String conns, String flags, String first, String thenConns, String thenFlags, String then) {
        List<TestDestination> pool = PoolRows.pool(weights, conns, flags);
        lblcr.prepare(pool);
        assertThat(PoolRows.name(lblcr.pick(Flows.ANY))).isEqualTo(first);

        PoolRows.apply(pool, thenConns, thenFlags);

        assertThat(PoolRows.name(lblcr.pick(Flows.ANY))).isEqualTo(then);
    }

    /** Builds the set {B, A}: A first, then B added (at the head) when A is overloaded. */
    private List<TestDestination> twoMemberSet() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblcr.prepare(pool);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(0));
        pool.get(0).connections(2, 0);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));
        return pool;
    }

    @Test
    void balancesAcrossTheReplicatedSet() {
        List<TestDestination> pool = twoMemberSet();

        pool.get(0).connections(0, 0);
        pool.get(1).connections(1, 0);

        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(0));
    }

    @Test
    void newMembersGoFirstAndWinTies() {
        List<TestDestination> pool = twoMemberSet();

        pool.get(0).connections(0, 0);

        assertThat(lblcr.pick(Flows.ANY)).as("wlc over the pool would say A").isSameAs(pool.get(1));
    }

    @Test
    void aSetUnchangedForTheExpirationShedsItsMostLoadedMember() {
        List<TestDestination> pool = twoMemberSet();
        clock.set(DAY / 2);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));

        clock.set(DAY + 1);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));

        // were A still a member, idle A would beat B with its one connection
        pool.get(0).connections(0, 0);
        pool.get(1).connections(1, 0);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));
    }

    @Test
    void theSetIsNotShedBeforeTheExpiration() {
        List<TestDestination> pool = twoMemberSet();
        clock.set(DAY / 2);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));

        // unchanged for exactly the expiration: the kernel sheds only once it is exceeded
        clock.set(DAY);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));

        pool.get(0).connections(0, 0);
        pool.get(1).connections(1, 0);

        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(0));
    }

    @Test
    void membersNoLongerInThePoolAreSkipped() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblcr.prepare(pool);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(0));

        lblcr.prepare(List.of(pool.get(1)));
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));

        // back in the pool, A is a member again, behind B
        lblcr.prepare(pool);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));
        pool.get(1).connections(1, 0);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(0));
    }

    @Test
    void anEntryUnusedForTheExpirationIsForgotten() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblcr.prepare(pool);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(0));
        pool.get(0).connections(1, 0);

        clock.set(DAY - 1);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(0));

        clock.addAndGet(DAY);
        assertThat(lblcr.pick(Flows.ANY)).isSameAs(pool.get(1));
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.LBLCR))
                .isInstanceOf(LocalityBasedLeastConnectionWithReplication.class);
    }
}
