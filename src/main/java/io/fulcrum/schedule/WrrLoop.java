package io.fulcrum.schedule;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A prepared wrr pool whose walk is too long to precompute: each pick runs ip_vs_wrr_schedule's
 * loop over the dests, from the kernel's mark (cl, cw) packed into one long (cw in the high half,
 * cl, a dest index or HEAD, in the low half). The loop reads the mark once and publishes where it
 * stopped by CAS, retrying if another event loop moved it first, so every successful pick is
 * exactly one step of the kernel's sequence, without a lock and without allocating.
 */
final class WrrLoop implements WeightedRoundRobin.Cycle {

    private static final int HEAD = -1;
    /** The kernel's stop = NULL: equal to no dest index and not to HEAD. */
    private static final int NO_STOP = Integer.MIN_VALUE;

    private final Destination[] dests;
    private final int[] weights;
    private final int di;
    private final int mw;
    private final AtomicLong mark;

    /** The kernel's mark (head, cw) for this di and mw; mw must be positive. */
    WrrLoop(Destination[] dests, int[] weights, int di, int mw, int cw) {
        this.dests = dests;
        this.weights = weights;
        this.di = di;
        this.mw = mw;
        this.mark = new AtomicLong(mark(HEAD, cw));
    }

    /**
     * The kernel's loop line by line (its {@code goto found} and {@code goto err_over} are the
     * breaks out of {@code scan}), with one shortcut: after a pass over the whole list found no
     * dest, the levels above the heaviest dest that was not overloaded are skipped, as the kernel
     * would walk them without finding one either. That bounds a pick by a few passes over the list
     * instead of up to 65535 of them when the heavy dests are overloaded.
     */
    @Override
    public Destination pick() {
        int n = dests.length;
        while (true) {
            long seen = mark.get();
            int last = cl(seen);
            int cw = cw(seen);
            int stop = NO_STOP;
            boolean lastPass = false;
            boolean restarted = false;
            int d = last;
            Destination found = null;
            scan:
            while (true) {
                boolean fullPass = d == HEAD;
                int heaviest = 0;
                for (d++; d < n; d++) {
                    if (!dests[d].overloaded()) {
                        if (weights[d] >= cw) {
                            found = dests[d];
                            break scan;
                        }
                        heaviest = Math.max(heaviest, weights[d]);
                    }
                    if (d == stop) {
                        break scan;
                    }
                }
                d = HEAD;
                cw -= di;
                if (fullPass) {
                    cw = Math.min(cw, levelAtMost(heaviest));
                }
                if (cw <= 0) {
                    cw = mw;
                    // still no dest with weight >= 1 after the last pass
                    if (lastPass) {
                        break scan;
                    }
                    restarted = true;
                }
                lastPass = cw <= di;
                if (lastPass && restarted && last != HEAD) {
                    // first stop at the last dest; later (from the head) at the end of the list
                    stop = last;
                }
            }
            if (mark.compareAndSet(seen, mark(d, cw))) {
                return found;
            }
        }
    }

    @Override
    public int currentWeight() {
        return cw(mark.get());
    }

    /** The highest level (1 + k * di) that a dest of weight {@code w} reaches, or 1. */
    private int levelAtMost(int w) {
        return 1 + (Math.max(w, 1) - 1) / di * di;
    }

    private static long mark(int cl, int cw) {
        return (long) cw << 32 | cl & 0xFFFF_FFFFL;
    }

    private static int cl(long mark) {
        return (int) mark;
    }

    private static int cw(long mark) {
        return (int) (mark >>> 32);
    }
}
