package io.fulcrum.schedule;

import static io.fulcrum.schedule.HashingFlows.dhBucket;
import static io.fulcrum.schedule.HashingFlows.dhTable;
import static io.fulcrum.schedule.HashingFlows.picks;
import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationHashingTest {

    private final DestinationHashing dh = new DestinationHashing();

    @Test
    void bucketsAreDealtInListOrderIgnoringWeights() {
        List<TestDestination> pool = TestDestination.pool(5, 1, 2);
        dh.prepare(pool);

        List<Destination> table = picks(dh, dhTable());

        for (int i = 0; i < 256; i++) {
            assertThat(table.get(i)).as("bucket %d", i).isSameAs(pool.get(i % 3));
        }
        assertThat(table.subList(0, 7)).extracting(Object::toString).containsExactly("A", "B", "C", "A", "B", "C", "A");
    }

    @ParameterizedTest(name = "{0} -> bucket {1}")
    @CsvSource({"10.0.0.1, 39", "10.0.0.2, 137", "192.168.1.100, 89", "172.16.5.9, 115"})
    void theDestinationAddressIsHashedWithHash32(String ip, int bucket) throws Exception {
        // With 256 real servers bucket i holds real server i, so the pick names the bucket.
        List<TestDestination> pool = TestDestination.pool(IntStream.generate(() -> 1).limit(256).toArray());
        dh.prepare(pool);

        Flow flow = Flow.of(InetAddress.getByName("198.51.100.1"), 1234, InetAddress.getByName(ip));

        assertThat(dh.pick(flow)).isSameAs(pool.get(bucket));
    }

    @Test
    void theClientDoesNotMatter() {
        dh.prepare(TestDestination.pool(1, 1, 1, 1, 1));
        Flow flow = dhBucket(77);

        assertThat(dh.pick(new Flow.Fixed(0x01020304, 1, flow.destinationFold())))
                .isSameAs(dh.pick(new Flow.Fixed(0x0A0B0C0D, 65000, flow.destinationFold())))
                .isNotNull();
    }

    @Test
    void anUnavailableRealServerIsRefusedWithoutFallback() {
        List<TestDestination> pool = TestDestination.pool(1, 0, 1);
        dh.prepare(pool);

        assertThat(dh.pick(dhBucket(1))).as("weight 0").isNull();
        assertThat(dh.pick(dhBucket(0))).isSameAs(pool.get(0));

        pool.get(2).overloaded(true);
        assertThat(dh.pick(dhBucket(2))).as("overloaded").isNull();

        pool.get(2).overloaded(false);
        assertThat(dh.pick(dhBucket(2))).as("overload cleared, no prepare needed").isSameAs(pool.get(2));
    }

    @Test
    void anEmptyPoolPicksNothing() {
        assertThat(dh.pick(dhBucket(3))).as("before any prepare").isNull();
        dh.prepare(TestDestination.pool(1));
        dh.prepare(List.of());
        assertThat(picks(dh, dhTable())).containsOnlyNulls();
    }

    @Test
    void removingARealServerRedealsTheBuckets() {
        List<TestDestination> pool = new ArrayList<>(TestDestination.pool(1, 1, 1));
        dh.prepare(pool);
        pool.remove(0);
        dh.prepare(pool);

        assertThat(dh.pick(dhBucket(0))).isSameAs(pool.get(0));
        assertThat(dh.pick(dhBucket(1))).isSameAs(pool.get(1));
    }

    @Test
    void theRegistryCreatesIt() {
        assertThat(Schedulers.create(SchedulerKind.DH, Set.of(), System::nanoTime))
                .isInstanceOf(DestinationHashing.class)
                .extracting(Scheduler::kind).isEqualTo(SchedulerKind.DH);
    }
}
