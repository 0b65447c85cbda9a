package io.fulcrum.schedule;

import static io.fulcrum.schedule.HashingFlows.picks;
import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

class HashingProperties {

    private static final int M = Maglev.DEFAULT_TABLE_SIZE;
    private static final Flow[] MAGLEV_SLOTS = HashingFlows.maglevSlots(M);

    /** A real server as generated: address, last weight, quiesced (weight 0 now) or not, overloaded. */
    record Server(int address, int lastWeight, boolean quiesced, boolean overloaded) {
        TestDestination destination(int index) {
            TestDestination d = new TestDestination(TestDestination.name(index), lastWeight, address, 80);
            return d.weight(quiesced ? 0 : lastWeight).overloaded(overloaded);
        }
    }

    /**
     * Removing one of n equally weighted real servers frees its ~M/n slots, and Maglev refills
     * them; but every other server's permutation walk is replayed too and, where it now reaches a
     * freed slot earlier, later slots change hands. The Maglev paper accepts this small extra
     * disruption, which grows with n/M. Measured over 13,000 random pools of 2..100 servers in 4093
     * slots: the other servers' moved slots never exceeded half the removed share plus 3.2% of M.
     * Bound: total moved < 1.5 x the share + 5% of M.
     *
     * <p>Pools are generated with distinct skips: two servers with the same skip walk the same
     * cycle of slots, one behind the other, and then a removal can shift up to ~40% of a small
     * table between them (measured). That is Maglev's behaviour, the kernel's included, not a bug
     * here; the chance is about n^2 / 8184 per pool, and it fades as n grows.
     */
    @Property(tries = 300)
    void removingOneOfEquallyWeightedServersMovesAboutItsShare(
            @ForAll @Size(min = 2, max = 100) @UniqueElements List<Integer> addresses,
            @ForAll @IntRange(max = 99) int removedSeed) {
        assertRemovalDisruption(addresses, Collections.nCopies(addresses.size(), 1), removedSeed, 0.05);
    }

    /**
     * With unequal weights the removal may also change the gcd or the shift of the weights, and so
     * the turn length of every server (turns 2, 4, 6 become 1, 2, 3 when the only odd weight
     * leaves); a larger part of the table is re-interleaved. Measured over 20,000 random pools with
     * weights 1..10: at most half the share plus 7.2% of M. Bound: 1.5 x the share + 10% of M, far
     * below a rebuild from scratch, which moves about (1 - 1/n) of all slots.
     */
    @Property(tries = 300)
    void removingAWeightedServerMovesLittleMoreThanItsShare(
            @ForAll @Size(min = 2, max = 100) @UniqueElements List<Integer> addresses,
            @ForAll("weights") List<Integer> weightSource,
            @ForAll @IntRange(max = 99) int removedSeed) {
        List<Integer> weights = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            weights.add(weightSource.get(i % weightSource.size()));
        }
        assertRemovalDisruption(addresses, weights, removedSeed, 0.10);
    }

    private static void assertRemovalDisruption(List<Integer> addresses, List<Integer> weights, int removedSeed,
            double otherSlotsTolerance) {
        List<TestDestination> pool = new ArrayList<>();
        Set<Integer> skips = new HashSet<>();
        Set<Integer> used = new HashSet<>(addresses);
        for (int i = 0; i < addresses.size(); i++) {
            int address = addresses.get(i);
            while (!skips.add(Maglev.slot(Maglev.KEY2, address, 80, 0, M - 1))) {
                do {
                    address++;
                } while (used.contains(address));
                used.add(address);
            }
            pool.add(new TestDestination(TestDestination.name(i), weights.get(i), address, 80));
        }
        int removed = removedSeed % pool.size();
        Maglev mh = new Maglev(Set.of());
        mh.prepare(pool);
        List<Destination> before = picks(mh, MAGLEV_SLOTS);
        TestDestination gone = pool.remove(removed);
        mh.prepare(pool);
        List<Destination> after = picks(mh, MAGLEV_SLOTS);

        int share = 0;
        int movedOthers = 0;
        for (int s = 0; s < M; s++) {
            if (before.get(s) == gone) {
                share++;
            } else if (after.get(s) != before.get(s)) {
                movedOthers++;
            }
        }
        assertThat(after).doesNotContainNull().doesNotContain(gone);
        assertThat(share + movedOthers).as("moved slots, %d of them the removed server's", share)
                .isLessThan((int) (1.5 * share + otherSlotsTolerance * M));
    }

    /** Equal weights take one slot per round each, so slot counts differ by at most one. */
    @Property(tries = 200)
    void equalWeightsGiveMaglevSlotCountsWithinOne(
            @ForAll @Size(min = 1, max = 300) @UniqueElements List<Integer> addresses,
            @ForAll @IntRange(min = 1, max = 65535) int weight) {
        List<TestDestination> pool = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            pool.add(new TestDestination(TestDestination.name(i), weight, addresses.get(i), 80));
        }
        Maglev mh = new Maglev(Set.of());
        mh.prepare(pool);

        List<Destination> table = picks(mh, MAGLEV_SLOTS);
        int[] counts = pool.stream().mapToInt(d -> Collections.frequency(table, d)).toArray();

        int max = Arrays.stream(counts).max().orElseThrow();
        int min = Arrays.stream(counts).min().orElseThrow();
        assertThat(max - min).isLessThanOrEqualTo(1);
    }

    /** Each full round gives a server its turns; the last, partial round at most its turns again. */
    @Property(tries = 200)
    void maglevSlotCountsFollowTheTurns(@ForAll("servers") List<Server> servers) {
        List<TestDestination> pool = pool(servers);
        pool.forEach(d -> d.overloaded(false).weight(d.lastWeight()));
        Maglev mh = new Maglev(Set.of());
        mh.prepare(pool);

        int[] turns = MaglevTable.turns(pool.stream().mapToInt(Destination::lastWeight).toArray(), M);
        int perRound = Arrays.stream(turns).sum();
        List<Destination> table = picks(mh, MAGLEV_SLOTS);
        for (int i = 0; i < pool.size(); i++) {
            int count = Collections.frequency(table, pool.get(i));
            if (perRound == 0) {
                assertThat(count).isZero();
            } else {
                assertThat(count).as("server %d with %d turns", i, turns[i])
                        .isBetween(M / perRound * turns[i], (M / perRound + 1) * turns[i]);
            }
        }
    }

    /**
     * sh deals max(weight, 1) consecutive buckets per server and round: with L the sum of those,
     * a server gets 256 / L full rounds plus what is left of the last round when its turn comes.
     */
    @Property
    void shBucketCountsFollowTheFillFormula(
            @ForAll @Size(min = 1, max = 20) List<@IntRange(max = 300) Integer> weights) {
        List<TestDestination> pool = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            pool.add(new TestDestination(TestDestination.name(i), weights.get(i), 0x0A000001 + i, 80));
        }
        SourceHashing sh = new SourceHashing(Set.of());
        sh.prepare(pool);
        // Availability is read live: revive weight-0 servers to see their buckets.
        pool.forEach(d -> d.weight(Math.max(d.weight(), 1)));
        List<Destination> table = picks(sh, HashingFlows.shTable());

        int cycle = weights.stream().mapToInt(w -> Math.max(w, 1)).sum();
        int prefix = 0;
        for (int i = 0; i < weights.size(); i++) {
            int unit = Math.max(weights.get(i), 1);
            int expected = 256 / cycle * unit + Math.clamp(256 % cycle - prefix, 0, unit);
            assertThat(Collections.frequency(table, pool.get(i))).as("server %d, weight %d", i, weights.get(i))
                    .isEqualTo(expected);
            prefix += unit;
        }
    }

    @Property
    void quiescedOrOverloadedServersAreNeverPicked(@ForAll("hashing") SchedulerKind kind,
            @ForAll("flags") Set<SchedulerFlag> flags, @ForAll("servers") List<Server> servers,
            @ForAll("flows") List<Flow> flows) {
        Scheduler scheduler = Schedulers.create(kind, flags, System::nanoTime);
        scheduler.prepare(pool(servers));

        for (Flow flow : flows) {
            Destination picked = scheduler.pick(flow);
            if (picked != null) {
                assertThat(picked.weight()).isPositive();
                assertThat(picked.overloaded()).isFalse();
            }
        }
    }

    /** Same flow, same real server: repeated picks agree, and so does a second director. */
    @Property
    void aFlowMapsToTheSameServerBetweenPrepares(@ForAll("hashing") SchedulerKind kind,
            @ForAll("flags") Set<SchedulerFlag> flags, @ForAll("servers") List<Server> servers,
            @ForAll("flows") List<Flow> flows) {
        Scheduler scheduler = Schedulers.create(kind, flags, System::nanoTime);
        Scheduler otherDirector = Schedulers.create(kind, flags, System::nanoTime);
        List<TestDestination> pool = pool(servers);
        List<TestDestination> otherPool = pool(servers);
        scheduler.prepare(pool);
        otherDirector.prepare(otherPool);

        List<Destination> first = picks(scheduler, flows.toArray(Flow[]::new));
        List<Flow> reversed = new ArrayList<>(flows);
        Collections.reverse(reversed);
        List<Destination> again = picks(scheduler, reversed.toArray(Flow[]::new));
        Collections.reverse(again);

        assertThat(again).containsExactlyElementsOf(first);
        for (int i = 0; i < flows.size(); i++) {
            Destination other = otherDirector.pick(flows.get(i));
            Destination expected = first.get(i) == null ? null : otherPool.get(pool.indexOf(first.get(i)));
            assertThat(other).isSameAs(expected);
        }
    }

    /** The sh-fallback scan visits all 256 buckets, so it fails only when nobody is available. */
    @Property
    void shFallbackFindsAnyAvailableServerInTheTable(@ForAll("servers") List<Server> servers,
            @ForAll("flows") List<Flow> flows) {
        List<TestDestination> pool = pool(servers);
        SourceHashing sh = new SourceHashing(Set.of(SchedulerFlag.SH_FALLBACK));
        sh.prepare(pool);
        SourceHashing plain = new SourceHashing(Set.of());
        plain.prepare(pool);
        boolean anyAvailable = picks(plain, HashingFlows.shTable()).stream().anyMatch(d -> d != null);

        for (Flow flow : flows) {
            assertThat(sh.pick(flow) != null).isEqualTo(anyAvailable);
        }
    }

    private static List<TestDestination> pool(List<Server> servers) {
        List<TestDestination> pool = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            pool.add(servers.get(i).destination(i));
        }
        return pool;
    }

    @Provide
    Arbitrary<SchedulerKind> hashing() {
        return Arbitraries.of(SchedulerKind.DH, SchedulerKind.SH, SchedulerKind.MH);
    }

    @Provide
    Arbitrary<Set<SchedulerFlag>> flags() {
        return Arbitraries.of(SchedulerFlag.class).set().map(s -> s.isEmpty() ? Set.of() : EnumSet.copyOf(s));
    }

    @Provide
    Arbitrary<List<Integer>> weights() {
        return Arbitraries.integers().between(1, 10).list().ofMinSize(1).ofMaxSize(100);
    }

    @Provide
    Arbitrary<List<Server>> servers() {
        Arbitrary<Server> server = Combinators.combine(
                Arbitraries.integers(),
                Arbitraries.integers().between(0, 5),
                sometimes(),
                sometimes())
                .as(Server::new);
        return server.list().ofMinSize(0).ofMaxSize(40).uniqueElements(Server::address);
    }

    /** True one time in five: most real servers are serving. */
    private static Arbitrary<Boolean> sometimes() {
        return Arbitraries.frequency(Tuple.of(1, true), Tuple.of(4, false));
    }

    @Provide
    Arbitrary<List<Flow>> flows() {
        Arbitrary<Flow> flow = Combinators.combine(
                Arbitraries.integers(), Arbitraries.integers().between(0, 65535), Arbitraries.integers())
                .as(Flow.Fixed::new);
        return flow.list().ofMinSize(1).ofMaxSize(50);
    }
}
