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

class LocalityBasedLeastConnectionTest {

    private final AtomicLong clock = new AtomicLong();
    private final Scheduler lblc = Schedulers.create(SchedulerKind.LBLC, Set.of(), clock::get);

    /**
     * weights | counts, overload flags and pick for a first connection to the VIP | counts, flags
     * and pick for the next one, which finds the entry the first created.
     */
    @ParameterizedTest(name = "[{index}] w={0}: {1} {2} -> {3}, then {4} {5} -> {6}")
    @CsvSource(delimiter = '|', textBlock = """
            # sticks although wlc would now prefer B
            1,1   |         |     | A    | 1/0,0/0     |     | A
            # the cached dest's OVERLOAD flag is not checked, only is_overloaded()
            1,1   |         |     | A    | 0/0,0/0     | X-  | A
            # is_overloaded(): more active than weight while B is under half load
            1,1   |         |     | A    | 2/0,0/0     |     | B
            1,1   |         |     | A    | 2/0,1/0     |     | A
            2,2   |         |     | A    | 2/0,0/0     |     | A
            # raw weights: B of weight 10 with 4 active is under half load
            1,10  |         |     | A    | 2/0,4/0     |     | B
            # the replacement is wlc's choice, which skips OVERLOAD dests
            1,1,1 |         |     | A    | 2/0,0/0,0/0 | -X- | C
            # B under half load makes A overloaded even while B itself is OVERLOAD
            1,1   |         |     | A    | 2/0,0/0     | -X  | A
            # the first choice is wlc's
            1,1   | 3/0,1/0 |     | B    | 3/0,1/0     |     | B
            1,1   |         | X-  | B    |             | X-  | B
            0,0   |         |     | none |             |     | none
            1,1   |         | XX  | none |             | --  | A
            """)
    void sticksToTheCachedDest(
            String weights, String conns, String flags, String first, String thenConns, String thenFlags, String then) {
        List<TestDestination> pool = PoolRows.pool(weights, conns, flags);
        lblc.prepare(pool);
        assertThat(PoolRows.name(lblc.pick(Flows.ANY))).isEqualTo(first);

        PoolRows.apply(pool, thenConns, thenFlags);

        assertThat(PoolRows.name(lblc.pick(Flows.ANY))).isEqualTo(then);
    }

    @Test
    void aCachedDestQuiescedToWeightZeroIsReplaced() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblc.prepare(pool);
        assertThat(lblc.pick(Flows.ANY)).isSameAs(pool.get(0));

        pool.get(0).weight(0);
        lblc.prepare(pool);

        assertThat(lblc.pick(Flows.ANY)).isSameAs(pool.get(1));
    }

    @Test
    void aCachedDestNoLongerInThePoolIsReplacedForGood() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblc.prepare(pool);
        assertThat(lblc.pick(Flows.ANY)).isSameAs(pool.get(0));

        lblc.prepare(List.of(pool.get(1)));
        assertThat(lblc.pick(Flows.ANY)).isSameAs(pool.get(1));

        lblc.prepare(pool);
        assertThat(lblc.pick(Flows.ANY)).isSameAs(pool.get(1));
    }

    @Test
    void eachDestinationAddressHasItsOwnEntry() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblc.prepare(pool);
        Flow vip1 = Flows.toVip(0x0A000064);
        Flow vip2 = Flows.toVip(0x0A000065);
        assertThat(lblc.pick(vip1)).isSameAs(pool.get(0));

        pool.get(0).connections(1, 0);

        assertThat(lblc.pick(vip2)).isSameAs(pool.get(1));
        assertThat(lblc.pick(vip1)).isSameAs(pool.get(0));
    }

    @Test
    void theClientDoesNotMatterOnlyTheAddressItConnectedTo() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblc.prepare(pool);
        assertThat(lblc.pick(new Flow.Fixed(0x01020304, 1000, 0x0A000064))).isSameAs(pool.get(0));
        pool.get(0).connections(1, 0);

        assertThat(lblc.pick(new Flow.Fixed(0x05060708, 2000, 0x0A000064))).isSameAs(pool.get(0));
    }

    @Test
    void anEntryUnusedForTheExpirationIsForgotten() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblc.prepare(pool);
        assertThat(lblc.pick(Flows.ANY)).isSameAs(pool.get(0));
        pool.get(0).connections(1, 0);

        long day = Duration.ofHours(24).toNanos();
        clock.set(day - 1);
        assertThat(lblc.pick(Flows.ANY)).as("used just in time").isSameAs(pool.get(0));

        clock.addAndGet(day);
        assertThat(lblc.pick(Flows.ANY)).as("idle for 24h: wlc again").isSameAs(pool.get(1));
    }

    @Test
    void anExpiredEntryStaysGoneWhenNothingReplacesIt() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        lblc.prepare(pool);
        assertThat(lblc.pick(Flows.ANY)).isSameAs(pool.get(0));

        clock.set(Duration.ofHours(24).toNanos());
        pool.forEach(d -> d.overloaded(true));

        assertThat(lblc.pick(Flows.ANY)).isNull();
        assertThat(lblc.pick(Flows.ANY)).as("no entry revived for the OVERLOAD A").isNull();
    }

    @Test
    void anExpirationCanBeConfigured() {
        List<TestDestination> pool = TestDestination.pool(1, 1);
        Scheduler shortLived = new LocalityBasedLeastConnection(clock::get, Duration.ofMinutes(5));
        shortLived.prepare(pool);
        assertThat(shortLived.pick(Flows.ANY)).isSameAs(pool.get(0));
        pool.get(0).connections(1, 0);

        clock.set(Duration.ofMinutes(5).toNanos());

        assertThat(shortLived.pick(Flows.ANY)).isSameAs(pool.get(1));
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.LBLC)).isInstanceOf(LocalityBasedLeastConnection.class);
    }
}
