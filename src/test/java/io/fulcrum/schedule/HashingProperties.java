package io.fulcrum.schedule;

import static io.fulcrum.schedule.HashingFlows.picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

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
    @Test
    void removingOneOfEquallyWeightedServersMovesAboutItsShare() {
        qt().withExamples(300).forAll(uniqueInts(2, 100), integers().between(0, 99)).checkAssert((addresses, removedSeed) -> {
            assertRemovalDisruption(addresses, Collections.nCopies(addresses.size(), 1), removedSeed, 0.05);
        });
    }

    /**
     * With unequal weights the removal may also change the gcd or the shift of the weights, and so
     * the turn length of every server (turns 2, 4, 6 become 1, 2, 3 when the only odd weight
     * leaves); a larger part of the table is re-interleaved. Measured over 20,000 random pools with
     * weights 1..10: at most half the share plus 7.2% of M. Bound: 1.5 x the share + 10% of M, far
     * below a rebuild from scratch, which moves about (1 - 1/n) of all slots.
     */
    @Test
    void removingAWeightedServerMovesLittleMoreThanItsShare() {
        qt().withExamples(300).forAll(uniqueInts(2, 100), weights(), integers().between(0, 99))
                .checkAssert((addresses, weightSource, removedSeed) -> {
            List<Integer> weights = new ArrayList<>();
            for (int i = 0; i < addresses.size(); i++) {
                weights.add(weightSource.get(i % weightSource.size()));
            }
            assertRemovalDisruption(addresses, weights, removedSeed, 0.10);
        });
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
    @Test
    void equalWeightsGiveMaglevSlotCountsWithinOne() {
        qt().withExamples(200).forAll(uniqueInts(1, 300), integers().between(1, 65535)).checkAssert((addresses, weight) -> {
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
        });
    }

    /** Each full round gives a server its turns; the last, partial round at most its turns again. */
    @Test
    void maglevSlotCountsFollowTheTurns() {
        qt().withExamples(200).forAll(servers()).checkAssert(servers -> {
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
        });
    }

    /**
     * sh deals max(weight, 1) consecutive buckets per server and round: with L the sum of those,
     * a server gets 256 / L full rounds plus what is left of the last round when its turn comes.
     */
    @Test
    void shBucketCountsFollowTheFillFormula() {
        qt().forAll(lists().of(integers().between(0, 300)).ofSizeBetween(1, 20)).checkAssert(weights -> {
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
        });
    }

    @Test
    void quiescedOrOverloadedServersAreNeverPicked() {
        qt().forAll(hashing(), flags(), servers(), flows()).checkAssert((kind, flags, servers, flows) -> {
            Scheduler scheduler = Schedulers.create(kind, flags, System::nanoTime);
            scheduler.prepare(pool(servers));

            for (Flow flow : flows) {
                Destination picked = scheduler.pick(flow);
                if (picked != null) {
                    assertThat(picked.weight()).isPositive();
                    assertThat(picked.overloaded()).isFalse();
                }
            }
        });
    }

    /** Same flow, same real server: repeated picks agree, and so does a second director. */
    @Test
    void aFlowMapsToTheSameServerBetweenPrepares() {
        qt().forAll(hashing(), flags(), servers(), flows()).checkAssert((kind, flags, servers, flows) -> {
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
        });
    }

    /** The sh-fallback scan visits all 256 buckets, so it fails only when nobody is available. */
    @Test
    void shFallbackFindsAnyAvailableServerInTheTable() {
        qt().forAll(servers(), flows()).checkAssert((servers, flows) -> {
            List<TestDestination> pool = pool(servers);
            SourceHashing sh = new SourceHashing(Set.of(SchedulerFlag.SH_FALLBACK));
            sh.prepare(pool);
            SourceHashing plain = new SourceHashing(Set.of());
            plain.prepare(pool);
            boolean anyAvailable = picks(plain, HashingFlows.shTable()).stream().anyMatch(d -> d != null);

            for (Flow flow : flows) {
                assertThat(sh.pick(flow) != null).isEqualTo(anyAvailable);
            }
        });
    }

    private static List<TestDestination> pool(List<Server> servers) {
        List<TestDestination> pool = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            pool.add(servers.get(i).destination(i));
        }
        return pool;
    }

    private static Gen<SchedulerKind> hashing() {
        return Generate.pick(List.of(SchedulerKind.DH, SchedulerKind.SH, SchedulerKind.MH));
    }

    /** Any subset of the flags. */
    private static Gen<Set<SchedulerFlag>> flags() {
        return lists().of(Generate.enumValues(SchedulerFlag.class)).ofSizeBetween(0, SchedulerFlag.values().length)
                .map(s -> s.isEmpty() ? Set.of() : EnumSet.copyOf(s));
    }

    private static Gen<List<Integer>> weights() {
        return lists().of(integers().between(1, 10)).ofSizeBetween(1, 100);
    }

    /** Between {@code min} and {@code max} distinct ints. */
    private static Gen<List<Integer>> uniqueInts(int min, int max) {
        return lists().of(integers().all()).ofSizeBetween(min, max)
                .map(list -> List.copyOf(new LinkedHashSet<>(list)))
                .assuming(list -> list.size() >= min);
    }

    /** Up to 40 servers with distinct addresses. */
    private static Gen<List<Server>> servers() {
        Gen<Server> server = integers().all().zip(integers().between(0, 5), sometimes(), sometimes(), Server::new);
        return lists().of(server).ofSizeBetween(0, 40).map(list -> {
            Map<Integer, Server> byAddress = new LinkedHashMap<>();
            list.forEach(s -> byAddress.putIfAbsent(s.address(), s));
            return List.copyOf(byAddress.values());
        });
    }

    /** True one time in five: most real servers are serving. */
    private static Gen<Boolean> sometimes() {
        return Generate.frequency(List.of(Pair.of(1, Generate.constant(true)), Pair.of(4, Generate.constant(false))));
    }

    private static Gen<List<Flow>> flows() {
        Gen<Flow> flow = integers().all().<Integer, Integer, Flow>zip(integers().between(0, 65535), integers().all(), Flow.Fixed::new);
        return lists().of(flow).ofSizeBetween(1, 50);
    }
}
