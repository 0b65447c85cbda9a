package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** rr: the next usable dest after the last one chosen, weights other than 0 ignored (ip_vs_rr.c). */
public final class RoundRobin implements Scheduler {

    /** The cursor value for the list head: nothing chosen yet, the next walk starts at index 0. */
    private static final int HEAD = -1;

    /**
     * One prepared pool and its cursor (index of the last chosen dest, or HEAD). The kernel holds a
     * spinlock around the walk; here a pick computes the next dest from a cursor value and publishes
     * it with a CAS, retrying if another event loop moved the cursor first, so every successful
     * pick is exactly one step of the kernel's rotation.
     */
    private record Rotation(Destination[] dests, AtomicInteger cursor) {
    }

    private volatile Rotation rotation = new Rotation(new Destination[0], new AtomicInteger(HEAD));

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.RR;
    }

    /**
     * The cursor stays on its dest if that dest is still in the pool; if it was removed the cursor
     * moves back to the nearest surviving predecessor (the kernel's del_dest, applied once per
     * removed dest), or to the head if none survives. Picks racing with this on the old rotation
     * are not carried over.
     */
    @Override
    public synchronized void prepare(List<? extends Destination> pool) {
        Rotation old = rotation;
        Destination[] dests = pool.toArray(new Destination[0]);
        int cursor = HEAD;
        for (int i = old.cursor().get(); i >= 0 && cursor == HEAD; i--) {
            cursor = indexOf(dests, old.dests()[i]);
        }
        rotation = new Rotation(dests, new AtomicInteger(cursor));
    }

    private static int indexOf(Destination[] dests, Destination d) {
        for (int i = 0; i < dests.length; i++) {
            if (dests[i] == d) {
                return i;
            }
        }
        return HEAD;
    }

    @Override
    public Destination pick(Flow flow) {
        Rotation r = rotation;
        Destination[] dests = r.dests();
        AtomicInteger cursor = r.cursor();
        int n = dests.length;
        while (true) {
            int last = cursor.get();
            int next = -1;
            // a full circle: last+1 .. n-1, then 0 .. last (from HEAD: 0 .. n-1)
            for (int step = 1; step <= n; step++) {
                int i = last + step;
                if (i >= n) {
                    i -= n;
                }
                Destination d = dests[i];
                if (!d.overloaded() && d.weight() > 0) {
                    next = i;
                    break;
                }
            }
            if (next < 0) {
                return null;
            }
            if (cursor.compareAndSet(last, next)) {
                return dests[next];
            }
        }
    }
}
