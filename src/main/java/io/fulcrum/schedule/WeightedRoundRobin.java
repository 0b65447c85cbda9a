package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** wrr: interleaved weighted round robin with gcd stepping (ip_vs_wrr.c). */
public final class WeightedRoundRobin implements Scheduler {

    /**
     * Upper bound on the precomputed walk (sum of weight / gcd): 256 dests of weight 65535 with
     * gcd 1 still fit, and the walk stays within 64 MiB.
     */
    static final int MAX_WALK = 1 << 24;

    private volatile Cycle cycle = Cycle.of(new Destination[0], 0);

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.WRR;
    }

    /**
     * The kernel's dest_changed: recompute di and mw, put cl back on the list head, and keep cw
     * unless it is 0 or above the new mw (then mw), rounding it onto the new gcd grid
     * ({@code cw / di * di + 1}) when di > 1. Picks racing with this on the old cycle are lost.
     */
    @Override
    public synchronized void prepare(List<? extends Destination> pool) {
        Cycle old = cycle;
        int oldCw = old.walk.length == 0 ? 0 : old.level(old.cursor.get() >>> 1);
        cycle = Cycle.of(pool.toArray(new Destination[0]), oldCw);
    }

    @Override
    public Destination pick(Flow flow) {
        Cycle c = cycle;
        int[] walk = c.walk;
        int len = walk.length;
        if (len == 0) {
            return null;
        }
        AtomicLong cursor = c.cursor;
        while (true) {
            long state = cursor.get();
            int p = (int) ((state + 1) >>> 1);
            int found = -1;
            for (int k = 0; k < len; k++, p++) {
                if (p == len) {
                    p = 0;
                }
                if (!c.dests[walk[p]].overloaded()) {
                    found = p;
                    break;
                }
            }
            if (found >= 0) {
                if (cursor.compareAndSet(state, Cycle.onEntry(found))) {
                    return c.dests[walk[found]];
                }
            } else if (cursor.compareAndSet(state, c.afterExhaustedWalk(state))) {
                return null;
            }
        }
    }

    /**
     * One prepared pool laid out as the kernel's loop visits it. {@code walk} lists, level by level
     * for cw = mw, mw - di, ..., 1, the indexes of the dests with weight >= cw in list order; level k
     * (cw = mw - k * di) starts at {@code levelStart[k]}. A pick then just moves forward in walk
     * (cyclically) to the first dest that is not overloaded, which is what the kernel's nested loop
     * finds. The kernel's state (cl, cw) is the cursor: {@code 2p + 1} when cl is the dest at
     * walk[p] on p's level, {@code 2p} when cl is the list head and cw the level starting at p.
     * Picks advance it by CAS, so concurrent picks are each one step of the kernel's sequence.
     */
    private static final class Cycle {

        final Destination[] dests;
        final int[] walk;
        final int[] levelStart;
        final int mw;
        final int di;
        final AtomicLong cursor;

        private Cycle(Destination[] dests, int[] walk, int[] levelStart, int mw, int di, long cursor) {
            this.dests = dests;
            this.walk = walk;
            this.levelStart = levelStart;
            this.mw = mw;
            this.di = di;
            this.cursor = new AtomicLong(cursor);
        }

        static long onEntry(int p) {
            return 2L * p + 1;
        }

        static long beforeLevel(int p) {
            return 2L * p;
        }

        static Cycle of(Destination[] dests, int oldCw) {
            int[] weights = new int[dests.length];
            int di = 0;
            int max = 0;
            long length = 0;
            for (int i = 0; i < dests.length; i++) {
                int w = dests[i].weight();
                weights[i] = w;
                if (w > 0) {
                    di = di == 0 ? w : gcd(di, w);
                    max = Math.max(max, w);
                }
            }
            if (max == 0) {
                return new Cycle(dests, new int[0], new int[0], 0, 1, 0);
            }
            for (int w : weights) {
                length += w / di;
            }
            if (length > MAX_WALK) {
                throw new IllegalArgumentException("wrr cycle of " + length + " steps (sum of weight/gcd) exceeds "
                        + MAX_WALK + "; use smaller weights or weights with a common divisor");
            }
            // the last pass runs at cw = 1, so a weight just lowered below di is still reachable
            int mw = max - (di - 1);
            int[] walk = new int[(int) length];
            int[] levelStart = new int[(mw - 1) / di + 1];
            int p = 0;
            for (int k = 0; k < levelStart.length; k++) {
                int cw = mw - k * di;
                levelStart[k] = p;
                for (int i = 0; i < weights.length; i++) {
                    if (weights[i] >= cw) {
                        walk[p++] = i;
                    }
                }
            }
            int cw;
            if (oldCw > mw || oldCw == 0) {
                cw = mw;
            } else if (di > 1) {
                cw = oldCw / di * di + 1;
            } else {
                cw = oldCw;
            }
            return new Cycle(dests, walk, levelStart, mw, di, beforeLevel(levelStart[(mw - cw) / di]));
        }

        /** cw of the level walk[p] belongs to. */
        int level(long p) {
            int k = Arrays.binarySearch(levelStart, (int) p);
            if (k < 0) {
                k = -k - 2;
            }
            return mw - k * di;
        }

        /**
         * Where the kernel leaves (cl, cw) after a walk that found every dest overloaded: cl on a
         * dest at the lowest level (cw = 1) stays put (it stopped on cl again); from anywhere
         * else it ran off the end of the cw = 1 pass and reset to (head, mw).
         */
        long afterExhaustedWalk(long state) {
            boolean onDest = (state & 1) == 1;
            return onDest && (state >>> 1) >= levelStart[levelStart.length - 1] ? state : beforeLevel(0);
        }

        private static int gcd(int a, int b) {
            while (b != 0) {
                int t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
    }
}
