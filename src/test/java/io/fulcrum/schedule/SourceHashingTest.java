package io.fulcrum.schedule;

import static io.fulcrum.schedule.HashingFlows.VIP;
import static io.fulcrum.schedule.HashingFlows.picks;
import static io.fulcrum.schedule.HashingFlows.shBucket;
import static io.fulcrum.schedule.HashingFlows.shTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import java.net.InetAddress;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceHashingTest {

    private static final Set<SchedulerFlag> FALLBACK = Set.of(SchedulerFlag.SH_FALLBACK);

    @Test
    void weightThreeAndOneFill192And64Buckets() {
        SourceHashing sh = new SourceHashing(Set.of());
        List<TestDestination> pool = TestDestination.pool(3, 1);
        sh.prepare(pool);

        List<Destination> table = picks(sh, shTable());

        assertThat(names(table.subList(0, 8))).isEqualTo("A A A B A A A B");
        assertThat(Collections.frequency(table, pool.get(0))).isEqualTo(192);
        assertThat(Collections.frequency(table, pool.get(1))).isEqualTo(64);
        for (int i = 0; i < 256; i++) {
            assertThat(table.get(i)).as("bucket %d", i).isSameAs(pool.get(i % 4 == 3 ? 1 : 0));
        }
    }

    @Test
    void aWeightZeroRealServerStillTakesOneBucketPerRound() {
        SourceHashing sh = new SourceHashing(Set.of());
        List<TestDestination> pool = TestDestination.pool(2, 0, 1);
        sh.prepare(pool);

        assertThat(sh.pick(shBucket(2))).as("B's bucket while B is quiesced").isNull();
        // The table is built from the weights at prepare time; availability is read live, so
        // reviving B without a prepare shows where its buckets are.
        pool.get(1).weight(1);
        List<Destination> table = picks(sh, shTable());

        assertThat(names(table.subList(0, 12))).isEqualTo("A A B C A A B C A A B C");
        assertThat(Collections.frequency(table, pool.get(0))).isEqualTo(128);
        assertThat(Collections.frequency(table, pool.get(1))).isEqualTo(64);
        assertThat(Collections.frequency(table, pool.get(2))).isEqualTo(64);
    }

    @Test
    void largeWeightsAreTruncatedByTheTableSize() {
        SourceHashing sh = new SourceHashing(Set.of());
        List<TestDestination> pool = TestDestination.pool(200, 100);
        sh.prepare(pool);

        List<Destination> table = picks(sh, shTable());

        assertThat(table.subList(0, 200)).containsOnly(pool.get(0));
        assertThat(table.subList(200, 256)).containsOnly(pool.get(1));
    }

    @ParameterizedTest(name = "{0} -> bucket {1}, with sh-port and source port 40000 -> bucket {2}")
    @CsvSource({
        "10.0.0.1,      39,  203",
        "10.0.0.2,      137, 45",
        "192.168.1.100, 89,  253",
        "172.16.5.9,    115, 23",
    })
    void theClientAddressAndOptionallyItsPortAreHashed(String ip, int bucket, int bucketWithPort) throws Exception {
        // With 256 real servers of weight 1, bucket i holds real server i: the pick names the bucket.
        List<TestDestination> pool = TestDestination.pool(IntStream.generate(() -> 1).limit(256).toArray());
        SourceHashing plain = new SourceHashing(Set.of());
        SourceHashing withPort = new SourceHashing(Set.of(SchedulerFlag.SH_PORT));
        plain.prepare(pool);
        withPort.prepare(pool);

        Flow flow = Flow.of(InetAddress.getByName(ip), 40000, InetAddress.getByName("192.0.2.100"));

        assertThat(plain.pick(flow)).isSameAs(pool.get(bucket));
        assertThat(withPort.pick(flow)).isSameAs(pool.get(bucketWithPort));
    }

    @Test
    void withoutShPortThePortAndTheDestinationAreIgnored() {
        SourceHashing sh = new SourceHashing(Set.of());
        sh.prepare(TestDestination.pool(1, 2, 3, 4));
        int client = 0x0A010203;

        Destination first = sh.pick(new Flow.Fixed(client, 1024, VIP));
        for (int port = 1; port < 65536; port += 997) {
            assertThat(sh.pick(new Flow.Fixed(client, port, port * 31))).isSameAs(first);
        }
    }

    @Test
    void withoutFallbackAnUnavailableRealServerIsRefused() {
        SourceHashing sh = new SourceHashing(Set.of());
        List<TestDestination> pool = TestDestination.pool(1, 1, 1, 1);
        sh.prepare(pool);

        pool.get(2).overloaded(true);

        assertThat(sh.pick(shBucket(6))).isNull();
        assertThat(sh.pick(shBucket(5))).isSameAs(pool.get(1));
    }

    @Test
    void fallbackScansLinearlyFromTwiceTheBucket() {
        SourceHashing sh = new SourceHashing(FALLBACK);
        List<TestDestination> pool = TestDestination.pool(1, 1, 1, 1); // bucket i -> i mod 4
        sh.prepare(pool);
        Flow flow = shBucket(6); // bucket 6 holds C

        assertThat(sh.pick(flow)).as("primary available").isSameAs(pool.get(2));

        pool.get(2).overloaded(true);
        // The probes are buckets 12, 13, 14, ... (not 7, 8, ...): 12 holds A.
        assertThat(sh.pick(flow)).isSameAs(pool.get(0));

        pool.get(0).weight(0);
        assertThat(sh.pick(flow)).as("bucket 13").isSameAs(pool.get(1));

        pool.get(1).overloaded(true);
        assertThat(sh.pick(flow)).as("bucket 14 is C again, then 15").isSameAs(pool.get(3));

        pool.get(3).weight(0);
        assertThat(sh.pick(flow)).as("nothing available").isNull();
    }

    @Test
    void fallbackProbesWrapAroundTheTable() {
        SourceHashing sh = new SourceHashing(FALLBACK);
        List<TestDestination> pool = TestDestination.pool(1, 1, 1, 1);
        sh.prepare(pool);
        pool.get(2).overloaded(true);
        pool.get(0).overloaded(true);

        // Bucket 130 holds C; the scan starts at 260 & 255 = 4 (A, overloaded), then 5 holds B.
        assertThat(sh.pick(shBucket(130))).isSameAs(pool.get(1));
    }

    @Test
    void anEmptyPoolPicksNothingEvenWithFallback() {
        SourceHashing sh = new SourceHashing(FALLBACK);
        assertThat(sh.pick(shBucket(9))).as("before any prepare").isNull();
        sh.prepare(List.of());
        assertThat(picks(sh, shTable())).containsOnlyNulls();
    }

    @Test
    void theRegistryPassesTheFlags() {
        Scheduler sh = Schedulers.create(SchedulerKind.SH, Set.of(SchedulerFlag.SH_PORT), System::nanoTime);
        List<TestDestination> pool = TestDestination.pool(IntStream.generate(() -> 1).limit(256).toArray());
        sh.prepare(pool);

        assertThat(sh.kind()).isEqualTo(SchedulerKind.SH);
        // 10.0.0.1 with port 40000 lands in bucket 203 only when sh-port is honoured.
        assertThat(sh.pick(new Flow.Fixed(0x0A000001, 40000, VIP))).isSameAs(pool.get(203));
    }

    private static String names(List<Destination> dests) {
        return String.join(" ", dests.stream().map(String::valueOf).toList());
    }
}
