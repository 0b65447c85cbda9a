package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.fulcrum.schedule.PoolOps.Add;
import io.fulcrum.schedule.PoolOps.Pick;
import io.fulcrum.schedule.PoolOps.Remove;
import io.fulcrum.schedule.PoolOps.Reweight;
import io.fulcrum.schedule.PoolOps.Toggle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * Both ways to run wrr, the precomputed walk and the kernel loop on the packed mark, against a
 * line-by-line transcription of the kernel's loop.
 */
class WeightedRoundRobinProperties {

    /** ip_vs_wrr.c: the mark (cl, cw, mw, di), ip_vs_wrr_schedule and ip_vs_wrr_dest_changed. */
    static final class KernelWrr {

        private static final int HEAD = -1;
        private final List<TestDestination> dests;
        private int cl = HEAD;
        // init_svc on an empty service: mw = 0 - (1 - 1), cw = mw
        private int cw;
        private int mw;
        private int di = 1;

        KernelWrr(List<TestDestination> dests) {
            this.dests = dests;
        }

        void destChanged() {
            cl = HEAD;
            int g = 0;
            int max = 0;
            for (TestDestination d : dests) {
                if (d.weight() > 0) {
                    g = g > 0 ? gcd(d.weight(), g) : d.weight();
                }
                max = Math.max(max, d.weight());
            }
            di = g > 0 ? g : 1;
            mw = max - (di - 1);
            if (cw > mw || cw == 0) {
                cw = mw;
            } else if (di > 1) {
                cw = (cw / di) * di + 1;
            }
        }

        TestDestination schedule() {
            int dest = cl;
            int stop = Integer.MIN_VALUE;
            boolean lastPass = false;
            boolean restarted = false;
            if (mw == 0) {
                return null;
            }
            int last = dest;
            while (true) {
                for (dest = dest + 1; dest < dests.size(); dest++) {
                    TestDestination d = dests.get(dest);
                    if (!d.overloaded() && d.weight() >= cw) {
                        cl = dest;
                        return d;
                    }
                    if (dest == stop) {
                        cl = dest;
                        return null;
                    }
                }
                dest = HEAD;
                cw -= di;
                if (cw <= 0) {
                    cw = mw;
                    if (lastPass || last == HEAD) {
                        cl = dest;
                        return null;
                    }
                    restarted = true;
                }
                lastPass = cw <= di;
                if (lastPass && restarted && last != HEAD) {
                    stop = last;
                }
            }
        }

        private static int gcd(int a, int b) {
            return b == 0 ? a : gcd(b, a % b);
        }
    }

    /**
     * One history replayed on the walk, on the loop, and on a scheduler whose threshold sends some
     * of the pools the history goes through to each, so that cw also crosses from one to the other.
     */
    @Test
    void picksExactlyWhatTheKernelLoopPicks() {
        qt().withExamples(1000)
                .forAll(PoolOps.weights(), integers().between(1, 3), integers().between(1, 40), PoolOps.histories())
                .checkAssert((weights, scale, mixedMaxWalk, history) -> {
            List<TestDestination> pool = new ArrayList<>();
            for (int w : weights) {
                pool.add(new TestDestination(TestDestination.name(pool.size()), w * scale));
            }
            int added = pool.size();
            KernelWrr kernel = new KernelWrr(pool);
            kernel.destChanged();
            Map<String, WeightedRoundRobin> schedulers = Map.of(
                    "walk", new WeightedRoundRobin(),
                    "loop", new WeightedRoundRobin(0),
                    "mixed", new WeightedRoundRobin(mixedMaxWalk));
            schedulers.values().forEach(wrr -> wrr.prepare(pool));

            int step = 0;
            for (PoolOps op : history) {
                step++;
                if (op instanceof Pick) {
                    String expected = PoolRows.name(kernel.schedule());
                    for (Map.Entry<String, WeightedRoundRobin> wrr : schedulers.entrySet()) {
                        assertThat(PoolRows.name(wrr.getValue().pick(Flows.ANY)))
                                .as("%s pick at step %d", wrr.getKey(), step)
                                .isEqualTo(expected);
                    }
                    continue;
                }
                if (op instanceof Add a) {
                    pool.add(new TestDestination(TestDestination.name(added++), a.weight() * scale));
                } else if (pool.isEmpty()) {
                    continue;
                } else if (op instanceof Toggle t) {
                    TestDestination d = pool.get(t.index() % pool.size());
                    d.overloaded(!d.overloaded());
                    continue;
                } else if (op instanceof Reweight r) {
                    pool.get(r.index() % pool.size()).weight(r.weight() * scale);
                } else if (op instanceof Remove r) {
                    pool.remove(r.index() % pool.size());
                }
                kernel.destChanged();
                schedulers.values().forEach(wrr -> wrr.prepare(pool));
            }
        });
    }
}
