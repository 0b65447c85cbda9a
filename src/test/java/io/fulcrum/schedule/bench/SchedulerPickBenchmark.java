package io.fulcrum.schedule.bench;

import io.fulcrum.model.SchedulerKind;
import io.fulcrum.schedule.Destination;
import io.fulcrum.schedule.Flow;
import io.fulcrum.schedule.Maglev;
import io.fulcrum.schedule.Scheduler;
import io.fulcrum.schedule.Schedulers;
import io.fulcrum.schedule.TestDestination;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one {@link Scheduler#pick} on the data path, for every scheduler and three pool sizes.
 * Run with {@code bench/jmh-schedulers}. A scheduler that this build does not implement yet fails
 * its setup with a message naming it; JMH reports that and goes on with the others.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SchedulerPickBenchmark {

    /** A Maglev table needs at least one slot per real server: the kernel's next prime size up. */
    static final int LARGE_MAGLEV_TABLE = 65521;

    private static final int FLOWS = 1 << 16;

    /** Every {@link SchedulerKind} by lvs.cf name (SchedulerPickBenchmarkTest keeps the list whole). */
    @Param({"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"})
    public String kind;

    @Param({"3", "100", "10000"})
    public int poolSize;

    private Scheduler scheduler;
    private Flow[] flows;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SchedulerKind schedulerKind = SchedulerKind.byLvsName(kind)
                .orElseThrow(() -> new IllegalArgumentException("no scheduler is called " + kind));
        scheduler = create(schedulerKind, poolSize);
        // Fixed seeds: every scheduler sees the same pool and the same flows.
        Random random = new Random(poolSize);
        List<TestDestination> pool = new ArrayList<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            pool.add(new TestDestination(TestDestination.name(i), 1 + random.nextInt(10), 0x0A000001 + i, 80)
                    .connections(random.nextInt(100), random.nextInt(1000)));
        }
        scheduler.prepare(pool);
        // Random clients, ports and destinations (dh hashes the destination).
        flows = new Flow[FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            flows[i] = new Flow.Fixed(random.nextInt(), 1024 + random.nextInt(64512), random.nextInt());
        }
    }

    static Scheduler create(SchedulerKind kind, int poolSize) {
        if (kind == SchedulerKind.MH && poolSize > Maglev.DEFAULT_TABLE_SIZE) {
            return new Maglev(Set.of(), LARGE_MAGLEV_TABLE);
        }
        return Schedulers.create(kind);
    }

    @Benchmark
    public Destination pick() {
        return scheduler.pick(flows[next++ & (FLOWS - 1)]);
    }
}
