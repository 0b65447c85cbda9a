package io.fulcrum.schedule;

import static io.fulcrum.schedule.HashingFlows.VIP;
import static io.fulcrum.schedule.HashingFlows.maglevSlots;
import static io.fulcrum.schedule.HashingFlows.picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaglevTest {

    private static final Set<SchedulerFlag> FALLBACK = Set.of(SchedulerFlag.MH_FALLBACK);

    /**
     * Pool A, B, C = 10.0.0.1:80, 10.0.0.2:80, 10.0.0.3:80, weight 1, in a table of 13 slots.
     * Offsets/skips (asserted below): A 1/4, B 9/4, C 0/9, so the permutations are
     * A: 1 5 9 0 4 8 12 3 7 11 2 6 10, B: 9 0 4 8 12 3 7 11 2 6 10 1 5, C: 0 9 5 1 10 6 2 11 7 3 12 8 4.
     * Rounds (first free slot along each permutation): A1 B9 C0 | A5 B4 C10 | A8 B12 C6 | A3 B7 C2 | A11.
     */
    private static final String SMALL_TABLE = "C A C A B A C B A B C A B";

    @Test
    void populateReproducesTheMaglevPaperExample() {
        // Eisenbud et al., NSDI 2016, table 1: offsets 3, 0, 3 and skips 4, 2, 1 in 7 slots.
        int[] owners = MaglevTable.populate(new int[] {3, 0, 3}, new int[] {4, 2, 1}, new int[] {1, 1, 1}, 7);

        assertThat(owners).containsExactly(1, 0, 1, 0, 2, 2, 0);
    }

    @Test
    void populateTakesTheTurnsOfAServerInARow() {
        // Same permutations, turns 2, 1, 1: B0 takes 3 then 0, B1 2, B2 4; B0 takes 1 then 5, B1 6.
        int[] owners = MaglevTable.populate(new int[] {3, 0, 3}, new int[] {4, 2, 1}, new int[] {2, 1, 1}, 7);

        assertThat(owners).containsExactly(0, 0, 1, 0, 2, 0, 1);
    }

    @Test
    void populateLeavesTheTableEmptyWhenNobodyHasTurns() {
        int[] owners = MaglevTable.populate(new int[] {3, 0}, new int[] {4, 2}, new int[] {0, 0}, 7);

        assertThat(owners).containsOnly(MaglevTable.EMPTY);
    }

    @ParameterizedTest(name = "last weights {0} in {1} slots -> turns {2}")
    @CsvSource({
        "1 1 1,       4093,  1 1 1",
        "4 2 0 6,     4093,  2 1 0 3",   // gcd 2
        "100 50 25,   4093,  4 2 1",     // gcd 25
        "3 0,         4093,  1 0",       // never weighted: no slots
        "0 0,         4093,  0 0",
        "1000 1,      4093,  62 1",      // fls(1000) = 10 > 6 bits: shift 4, but at least 1
        "65535 1,     4093,  63 1",      // shift 10
        "1000 1,      65521, 250 1",     // 16-bit table: 8 bits of turns, shift 2
        "3 1,         7,     1 1",       // 3-bit table: 1 bit of turns
    })
    void turnsDivideByTheGcdAndShiftLargeWeights(String lastWeights, int tableSize, String expected) {
        assertThat(MaglevTable.turns(ints(lastWeights), tableSize)).containsExactly(ints(expected));
    }

    @Test
    void aSmallPrimeTableWrittenOutByHand() {
        List<TestDestination> pool = TestDestination.pool(1, 1, 1);
        assertThat(pool).extracting(d -> Maglev.slot(Maglev.KEY1, d.addressFold(), d.port(), 0, 13))
                .as("offsets").containsExactly(1, 9, 0);
        assertThat(pool).extracting(d -> Maglev.slot(Maglev.KEY2, d.addressFold(), d.port(), 0, 12) + 1)
                .as("skips").containsExactly(4, 4, 9);
        Maglev mh = new Maglev(Set.of(), 13);

        mh.prepare(pool);

        assertThat(names(picks(mh, maglevSlots(13)))).isEqualTo(SMALL_TABLE);
    }

    @Test
    void weightsGiveSlotsInProportion() {
        Maglev mh = new Maglev(Set.of());
        List<TestDestination> pool = TestDestination.pool(3, 1);

        mh.prepare(pool);

        // 1023 rounds of A A A B fill 4092 slots, A takes the last one.
        List<Destination> table = picks(mh, maglevSlots(4093));
        assertThat(Collections.frequency(table, pool.get(0))).isEqualTo(3070);
        assertThat(Collections.frequency(table, pool.get(1))).isEqualTo(1023);
    }

    @Test
    void aQuiescedRealServerKeepsItsSlotsSoNobodyElseMoves() {
        Maglev mh = new Maglev(Set.of(), 13);
        Maglev withFallback = new Maglev(FALLBACK, 13);
        List<TestDestination> pool = TestDestination.pool(1, 1, 1);
        Flow[] slots = maglevSlots(13);

        pool.get(1).weight(0);
        mh.prepare(pool);
        withFallback.prepare(pool);

        assertThat(names(picks(mh, slots))).isEqualTo("C A C A - A C - A - C A -");
        List<Destination> fallback = picks(withFallback, slots);
        assertThat(fallback).doesNotContainNull().doesNotContain(pool.get(1));
        for (int s = 0; s < 13; s++) {
            if (SMALL_TABLE.split(" ")[s].equals("B")) {
                continue;
            }
            assertThat(fallback.get(s)).as("slot %d", s).isSameAs(mh.pick(slots[s]));
        }
    }

    @Test
    void aRealServerThatNeverHadAWeightGetsNoSlots() {
        Maglev mh = new Maglev(Set.of(), 13);
        TestDestination fresh = new TestDestination("D", 0, 0x0A000004, 80);
        List<TestDestination> pool = List.of(TestDestination.pool(1, 1, 1).get(0), fresh);

        mh.prepare(pool);

        assertThat(picks(mh, maglevSlots(13))).containsOnly(pool.get(0));

        mh.prepare(List.of(fresh));
        assertThat(picks(mh, maglevSlots(13))).containsOnlyNulls();
    }

    @Test
    void withoutFallbackAnUnavailableRealServerIsRefused() {
        Maglev mh = new Maglev(Set.of(), 13);
        List<TestDestination> pool = TestDestination.pool(1, 1, 1);
        mh.prepare(pool);

        pool.get(0).overloaded(true);

        assertThat(names(picks(mh, maglevSlots(13)))).isEqualTo("C - C - B - C B - B C - B");
    }

    @Test
    void fallbackProbesAFreshHashOfTheClientForEachOffset() {
        Maglev mh = new Maglev(FALLBACK, 13);
        List<TestDestination> pool = TestDestination.pool(1, 1, 1);
        mh.prepare(pool);
        // 11.0.0.6 looks up slot 3 (A); its probes for offsets 3, 4, 5, 6 are slots 2, 2, 5, 4.
        Flow client = new Flow.Fixed(0x0B000006, 0, VIP);
        assertThat(mh.pick(client)).isSameAs(pool.get(0));

        pool.get(0).overloaded(true);
        assertThat(mh.pick(client)).as("slot 2, not the next slot 4").isSameAs(pool.get(2));

        pool.get(2).weight(0);
        assertThat(mh.pick(client)).as("slots 2, 2, 5 unavailable, then 4").isSameAs(pool.get(1));

        pool.get(1).overloaded(true);
        assertThat(mh.pick(client)).isNull();
    }

    @Test
    void fallbackFollowsTheKernelProbeSequenceForEveryClientOfTheUnavailableServer() {
        Maglev mh = new Maglev(FALLBACK, 13);
        List<TestDestination> pool = TestDestination.pool(1, 1, 1);
        mh.prepare(pool);
        Flow[] slots = maglevSlots(13);
        List<Destination> table = picks(mh, slots);
        pool.get(0).overloaded(true);

        for (int s = 0; s < 13; s++) {
            if (table.get(s) != pool.get(0)) {
                continue;
            }
            int addr = slots[s].sourceFold();
            Destination expected = null;
            for (int offset = 0; offset < 13 && expected == null; offset++) {
                Destination probed = table.get(Maglev.slot(Maglev.KEY1, addr, 0, (offset + s) % 13, 13));
                expected = probed == pool.get(0) ? null : probed;
            }
            assertThat(mh.pick(slots[s])).as("client of slot %d", s).isSameAs(expected).isNotNull();
        }
    }

    @Test
    void mhPortHashesTheSumOfPortAndAddress() {
        List<TestDestination> pool = TestDestination.pool(1, 2, 3, 4, 5);
        Maglev plain = new Maglev(Set.of());
        Maglev withPort = new Maglev(Set.of(SchedulerFlag.MH_PORT));
        plain.prepare(pool);
        withPort.prepare(pool);
        int client = 0x0A010203;

        Set<Destination> seen = new HashSet<>();
        for (int port = 1; port < 65536; port += 257) {
            Destination picked = withPort.pick(new Flow.Fixed(client, port, VIP));
            assertThat(picked).isSameAs(plain.pick(new Flow.Fixed(client + port, 0, VIP)));
            assertThat(plain.pick(new Flow.Fixed(client, port, VIP))).isSameAs(plain.pick(new Flow.Fixed(client, 0, VIP)));
            seen.add(picked);
        }
        assertThat(seen).as("the port spreads one client over the pool").hasSize(5);
    }

    @Test
    void moreRealServersThanSlotsIsRejected() {
        Maglev mh = new Maglev(Set.of(), 7);

        assertThatThrownBy(() -> mh.prepare(TestDestination.pool(1, 1, 1, 1, 1, 1, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mh: 8 real servers do not fit a Maglev table of 7 slots");
    }

    @Test
    void theTableSizeMustBePrime() {
        assertThatThrownBy(() -> new Maglev(Set.of(), 4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prime");
        assertThatThrownBy(() -> new Maglev(Set.of(), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nothingIsPickedBeforePrepareOrFromAnEmptyPool() {
        Maglev mh = new Maglev(FALLBACK, 13);
        assertThat(picks(mh, maglevSlots(13))).containsOnlyNulls();
        mh.prepare(TestDestination.pool(1));
        mh.prepare(List.of());
        assertThat(picks(mh, maglevSlots(13))).containsOnlyNulls();
    }

    @Test
    void theRegistryCreatesItWithTheDefaultTableAndTheFlags() {
        Scheduler mh = Schedulers.create(SchedulerKind.MH, Set.of(SchedulerFlag.MH_PORT), System::nanoTime);
        List<TestDestination> pool = TestDestination.pool(3, 1);
        mh.prepare(pool);
        Maglev reference = new Maglev(Set.of(SchedulerFlag.MH_PORT), Maglev.DEFAULT_TABLE_SIZE);
        reference.prepare(pool);

        assertThat(mh.kind()).isEqualTo(SchedulerKind.MH);
        for (int i = 0; i < 1000; i++) {
            Flow flow = new Flow.Fixed(0x0C000000 + i * 7919, 1024 + i, VIP);
            assertThat(mh.pick(flow)).isSameAs(reference.pick(flow));
        }
    }

    private static int[] ints(String spaced) {
        return Arrays.stream(spaced.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
    }

    private static String names(List<Destination> dests) {
        return dests.stream().map(d -> d == null ? "-" : d.toString()).collect(Collectors.joining(" "));
    }
}
