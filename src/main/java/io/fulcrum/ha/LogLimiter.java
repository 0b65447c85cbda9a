package io.fulcrum.ha;

import java.time.Duration;

/**
 * Says when a repeated event is due for the log: the first time at once, then at most once per
 * interval. Time is {@link System#nanoTime()}'s, whose origin is arbitrary (it may be negative), so
 * "never logged" is a flag, not a sentinel timestamp. Not thread-safe: one thread asks.
 */
final class LogLimiter {

    private final long interval;
    private boolean logged;
    private long lastLogged;

    LogLimiter(Duration interval) {
        this.interval = interval.toNanos();
    }

    /** Whether to log now; if so, counts this as logged. */
    boolean due(long now) {
        if (logged && now - lastLogged < interval) {
            return false;
        }
        logged = true;
        lastLogged = now;
        return true;
    }
}
