package io.fulcrum.schedule;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A prepared wrr pool laid out as the kernel's loop visits it, for pools whose walk is short.
 * {@code walk} lists, level by level for cw = mw, mw - di, ..., 1, the indexes of the dests with
 * weight >= cw in list order; level k (cw = mw - k * di) starts at {@code levelStart[k]}. A pick
 * then just moves forward in walk (cyclically) to the first dest that is not overloaded, which is
 * what the kernel's nested loop finds. The kernel's state (cl, cw) is the cursor: {@code 2p + 1}
 * when cl is the dest at walk[p] on p's level, {@code 2p} when cl is the list head and cw the level
 * starting at p. Picks advance it by CAS, so concurrent picks are each one step of the kernel's
 * sequence.
 */
final class WrrWalk implements WeightedRoundRobin.Cycle {

    private final Destination[] dests;
    private final int[] walk;
    private final int[] levelStart;
    private final int mw;
    private final int di;
    private final AtomicLong cursor;

    /** The walk of {@code length} steps for the kernel's mark (head, cw) with this di and mw. */
    WrrWalk(Destination[] dests, int[] weights, int length, int di, int mw, int cw) {
        this.dests = dests;
        this.mw = mw;
        this.di = di;
        walk = new int[length];
        levelStart = new int[length == 0 ? 0 : (mw - 1) / di + 1];
        int p = 0;
        for (int k = 0; k < levelStart.length; k++) {
            int level = mw - k * di;
            levelStart[k] = p;
            for (int i = 0; i < weights.length; i++) {
                if (weights[i] >= level) {
                    walk[p++] = i;
                }
            }
        }
        cursor = new AtomicLong(length == 0 ? 0 : beforeLevel(levelStart[(mw - cw) / di]));
    }

    @Override
    public Destination pick() {
        int len = walk.length;
        if (len == 0) {
            return null;
        }
        while (true) {
            long state = cursor.get();
            int p = (int) ((state + 1) >>> 1);
            int found = -1;
            for (int k = 0; k < len; k++, p++) {
                if (p == len) {
                    p = 0;
                }
                if (!dests[walk[p]].overloaded()) {
                    found = p;
                    break;
                }
            }
            if (found >= 0) {
                if (cursor.compareAndSet(state, onEntry(found))) {
                    return dests[walk[found]];
                }
            } else if (cursor.compareAndSet(state, afterExhaustedWalk(state))) {
                return null;
            }
        }
    }

    @Override
    public int currentWeight() {
        if (walk.length == 0) {
            return 0;
        }
        int k = Arrays.binarySearch(levelStart, (int) (cursor.get() >>> 1));
        if (k < 0) {
            k = -k - 2;
        }
        return mw - k * di;
    }

    private static long onEntry(int p) {
        return 2L * p + 1;
    }

    private static long beforeLevel(int p) {
        return 2L * p;
    }

    /**
     * Where the kernel leaves (cl, cw) after a walk that found every dest overloaded: cl on a dest
     * at the lowest level (cw = 1) stays put (it stopped on cl again); from anywhere else it ran
     * off the end of the cw = 1 pass and reset to (head, mw).
     */
    private long afterExhaustedWalk(long state) {
        boolean onDest = (state & 1) == 1;
        return onDest && (state >>> 1) >= levelStart[levelStart.length - 1] ? state : beforeLevel(0);
    }
}
