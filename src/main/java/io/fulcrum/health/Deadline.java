package io.fulcrum.health;

import java.net.SocketTimeoutException;
import java.time.Duration;

/** The end of one check: connect, send and every read share one timeout. */
final class Deadline {

    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    /** Milliseconds left for a socket timeout (never 0, which would mean "forever"). */
    int millisLeft() throws SocketTimeoutException {
        long left = nanosLeft();
        if (left <= 0) {
            throw new SocketTimeoutException("check deadline passed");
        }
        return Math.clamp(Math.ceilDiv(left, 1_000_000L), 1, Integer.MAX_VALUE);
    }

    long nanosLeft() {
        return endNanos - System.nanoTime();
    }
}
