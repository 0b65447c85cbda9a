package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fulcrum.schedule.PoolOps.Add;
import io.fulcrum.schedule.PoolOps.Pick;
import io.fulcrum.schedule.PoolOps.Remove;
import io.fulcrum.schedule.PoolOps.Reweight;
import io.fulcrum.schedule.PoolOps.Toggle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The array cursor against a transcription of the kernel's list cursor. */
class RoundRobinProperties {

    /** ip_vs_rr.c: sched_data points at the last chosen dest or the list head. */
    static final class KernelRr {

        private static final int HEAD = -1;
        private final List<TestDestination> dests;
        private int cursor = HEAD;

        KernelRr(List<TestDestination> dests) {
            this.dests = dests;
        }

        TestDestination schedule() {
            int last = cursor;
            int dest = cursor;
            int pass = 0;
            do {
                for (dest = dest + 1; dest < dests.size(); dest++) {
                    TestDestination d = dests.get(dest);
                    if (!d.overloaded() && d.weight() > 0) {
                        cursor = dest;
                        return d;
                    }
                    if (dest == last) {
                        return null;
                    }
                }
                dest = HEAD;
                pass++;
            } while (pass < 2 && last != HEAD);
            return null;
        }

        /** ip_vs_rr_del_dest, called before the dest at {@code index} is unlinked. */
        void delDest(int index) {
            if (cursor == index) {
                cursor = index - 1;
            } else if (cursor > index) {
                cursor--;
            }
        }
    }

    @Test
    void picksExactlyWhatTheKernelPicks() {
        qt().withExamples(1000).forAll(PoolOps.weights(), PoolOps.histories()).checkAssert((weights, history) -> {
            List<TestDestination> pool = new ArrayList<>();
            for (int w : weights) {
                pool.add(new TestDestination(TestDestination.name(pool.size()), w));
            }
            int added = pool.size();
            KernelRr kernel = new KernelRr(pool);
            RoundRobin rr = new RoundRobin();
            rr.prepare(pool);

            int step = 0;
            for (PoolOps op : history) {
                step++;
                if (op instanceof Pick) {
                    assertThat(PoolRows.name(rr.pick(Flows.ANY)))
                            .as("pick at step %d", step)
                            .isEqualTo(PoolRows.name(kernel.schedule()));
                    continue;
                }
                if (op instanceof Add a) {
                    pool.add(new TestDestination(TestDestination.name(added++), a.weight()));
                } else if (pool.isEmpty()) {
                    continue;
                } else if (op instanceof Toggle t) {
                    TestDestination d = pool.get(t.index() % pool.size());
                    d.overloaded(!d.overloaded());
                } else if (op instanceof Reweight r) {
                    // the kernel's rr has no upd_dest hook: the weight is read live
                    pool.get(r.index() % pool.size()).weight(r.weight());
                } else if (op instanceof Remove r) {
                    int index = r.index() % pool.size();
                    kernel.delDest(index);
                    pool.remove(index);
                }
                rr.prepare(pool);
            }
        });
    }
}
