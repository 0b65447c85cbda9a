package io.fulcrum.proxy;

import io.fulcrum.table.Placement;
import io.fulcrum.table.PoolMember;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Ended connections that still count as inactive on their real server, as IPVS keeps a closed TCP
 * connection in TIME_WAIT: without it, wlc and friends would send every short connection to the
 * first idle real server. Only the accounting is kept (a few dozen bytes a connection, not the
 * channels), in one FIFO: every entry gets the same timeout when it is added, so the queue is in
 * expiry order and a sweep stops at the first entry still due.
 */
final class TimeWait {

    private record Lingering(long expiresAtNanos, PoolMember member, Placement placement) {
    }

    private final ConcurrentLinkedQueue<Lingering> queue = new ConcurrentLinkedQueue<>();

    /** The connection ended now; its real server counts it as inactive until {@code nanos} have passed. */
    void add(PoolMember member, Placement placement, long nowNanos, long nanos) {
        queue.add(new Lingering(nowNanos + nanos, member, placement));
    }

    /** Releases every entry whose time is up; returns how many. */
    int expire(long nowNanos) {
        int released = 0;
        for (Lingering head = queue.peek(); head != null && nowNanos - head.expiresAtNanos() >= 0; head = queue.peek()) {
            if (queue.remove(head)) {
                head.member().unbind(false);
                head.placement().release();
                released++;
            }
        }
        return released;
    }

    int size() {
        return queue.size();
    }
}
