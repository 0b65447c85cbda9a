package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/**
 * wrr: interleaved weighted round robin with gcd stepping (ip_vs_wrr.c). A pool whose walk (sum
 * of weight / gcd) is short gets the walk precomputed ({@link WrrWalk}); a longer one, which a
 * valid lvs.cf can give (weights up to 65535, thousands of real servers), runs the kernel's loop
 * on each pick instead ({@link WrrLoop}). Both give exactly the kernel's sequence.
 */
public final class WeightedRoundRobin implements Scheduler {

    /** The longest walk precomputed: 4 MiB of dest indexes. */
    static final int MAX_WALK = 1 << 20;

    /** One prepared pool and the kernel's position (cl, cw) in it. */
    sealed interface Cycle permits WrrWalk, WrrLoop {

        /** One step of ip_vs_wrr_schedule. */
        Destination pick();

        /** The kernel's cw now, which the next dest_changed starts from (0 when no weight is set). */
        int currentWeight();
    }

    private final int maxWalk;
    private volatile Cycle cycle = new WrrWalk(new Destination[0], new int[0], 0, 1, 0, 0);

    public WeightedRoundRobin() {
        this(MAX_WALK);
    }

    /** Tests lower {@code maxWalk} to run the kernel loop on small pools. */
    WeightedRoundRobin(int maxWalk) {
        this.maxWalk = maxWalk;
    }

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
        Destination[] dests = pool.toArray(new Destination[0]);
        int[] weights = new int[dests.length];
        int di = 0;
        int max = 0;
        for (int i = 0; i < dests.length; i++) {
            int w = dests[i].weight();
            weights[i] = w;
            if (w > 0) {
                di = di == 0 ? w : gcd(di, w);
                max = Math.max(max, w);
            }
        }
        di = Math.max(di, 1);
        long length = 0;
        for (int w : weights) {
            length += w / di;
        }
        // the last pass runs at cw = 1, so a weight just lowered below di is still reachable
        int mw = max - (di - 1);
        int oldCw = cycle.currentWeight();
        int cw;
        if (oldCw > mw || oldCw == 0) {
            cw = mw;
        } else if (di > 1) {
            cw = oldCw / di * di + 1;
        } else {
            cw = oldCw;
        }
        cycle = length <= maxWalk
                ? new WrrWalk(dests, weights, (int) length, di, mw, cw)
                : new WrrLoop(dests, weights, di, mw, cw);
    }

    @Override
    public Destination pick(Flow flow) {
        return cycle.pick();
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
