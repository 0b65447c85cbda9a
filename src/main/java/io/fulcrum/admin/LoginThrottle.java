package io.fulcrum.admin;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows wrong passwords per client address. After the n-th wrong password in a row, the address's
 * logins are let through one per 250 ms * 2^(n-1) (at most one per 8 s), however many it sends at
 * once. A right password clears the count; an address silent for 15 minutes is forgotten.
 */
final class LoginThrottle {

    static final Duration FIRST_DELAY = Duration.ofMillis(250);
    static final Duration MAX_DELAY = Duration.ofSeconds(8);
    private static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    /** Addresses remembered at most; the least recently seen go first. */
    private static final int MAX_ADDRESSES = 10_000;

    private static final class Failures {
        int count;
        /** No login of this address is checked before this instant. */
        long notBeforeNanos;
    }

    private final Map<InetAddress, Failures> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Failures> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** Takes the next turn of {@code address}: how long its login must wait before it is checked. */
    synchronized Duration turn(InetAddress address) {
        Failures seen = failures.get(address);
        long now = System.nanoTime();
        if (seen == null) {
            return Duration.ZERO;
        }
        if (now - seen.notBeforeNanos > FORGET_AFTER.toNanos()) {
            failures.remove(address);
            return Duration.ZERO;
        }
        long start = Math.max(now, seen.notBeforeNanos);
        seen.notBeforeNanos = start + delayAfter(seen.count).toNanos();
        return Duration.ofNanos(start - now);
    }

    static Duration delayAfter(int wrong) {
        if (wrong == 0) {
            return Duration.ZERO;
        }
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(wrong - 1, 16));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    synchronized void failed(InetAddress address) {
        Failures seen = failures.computeIfAbsent(address, a -> new Failures());
        seen.count++;
        seen.notBeforeNanos = Math.max(seen.notBeforeNanos, System.nanoTime() + delayAfter(seen.count).toNanos());
    }

    synchronized void succeeded(InetAddress address) {
        failures.remove(address);
    }
}
