package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** pick() runs on the data path: once warm it must not allocate. */
class SchedulerAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(names = {"RR", "WRR", "LC", "WLC", "SED", "NQ", "FO", "OVF", "LBLC", "LBLCR"})
    void pickAllocatesNothingOnceWarm(SchedulerKind kind) {
        AtomicLong clock = new AtomicLong();
        assertPicksAllocateNothing(Schedulers.create(kind, Set.of(), clock::get), clock);
    }

    @Test
    void weightedRoundRobinOnTheKernelLoopAllocatesNothingOnceWarm() {
        assertPicksAllocateNothing(new WeightedRoundRobin(0), new AtomicLong());
    }

    private static void assertPicksAllocateNothing(Scheduler scheduler, AtomicLong clock) {
        List<TestDestination> pool = PoolRows.pool("3,1,2,5,0", "4/1,0/3,2/0,7/9,0/0", "-X---");
        scheduler.prepare(pool);
        Flow[] flows = {Flows.toVip(0x0A000064), Flows.toVip(0x0A000065)};

        // warm: lblc/lblcr create their two entries, the collector runs, code gets compiled
        for (int i = 0; i < 50_000; i++) {
            clock.addAndGet(1_000_000);
            scheduler.pick(flows[i & 1]);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            clock.addAndGet(1_000_000);
            scheduler.pick(flows[i & 1]);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by 10 000 %s picks", scheduler.kind().lvsName()).isZero();
    }
}
