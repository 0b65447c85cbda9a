package io.fulcrum.ha;

import io.fulcrum.net.Announcer;
import io.fulcrum.net.HostAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the held addresses (gratuitous ARP, unsolicited NA): at once, again a few times in the
 * next seconds (a switch or client may miss one packet), and then every {@link #REFRESH} while
 * active, so that a neighbour cache that went wrong is set right without anybody's help.
 */
final class Announcements {

    private static final Logger log = LoggerFactory.getLogger(Announcements.class);

    /** When the repeats after the first announcement go out, counted from it. */
    static final List<Duration> REPEATS = List.of(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5));
    static final Duration REFRESH = Duration.ofSeconds(30);

    private final Announcer announcer;
    private final ScheduledExecutorService executor;
    private final Supplier<List<HostAddress>> held;
    private List<ScheduledFuture<?>> pending = List.of();
    /** Set from the heartbeat thread when this router starts leaving: no announcement goes out after it. */
    private volatile boolean silenced;

    Announcements(Announcer announcer, ScheduledExecutorService executor, Supplier<List<HostAddress>> held) {
        this.announcer = announcer;
        this.executor = executor;
        this.held = held;
    }

    /** Announces now and schedules the repeats and the refresh; called on the executor's thread. */
    void start() {
        cancel();
        announceAll();
        List<ScheduledFuture<?>> next = new ArrayList<>();
        for (Duration after : REPEATS) {
            next.add(executor.schedule(this::announceAll, after.toNanos(), TimeUnit.NANOSECONDS));
        }
        next.add(executor.scheduleAtFixedRate(this::announceAll, REFRESH.toNanos(), REFRESH.toNanos(),
                TimeUnit.NANOSECONDS));
        pending = next;
    }

    /** Stops the repeats and the refresh (on stepping down). */
    void cancel() {
        pending.forEach(f -> f.cancel(false));
        pending = List.of();
    }

    /**
     * Stops every announcement for good, at once and from any thread: the router is leaving and the
     * partner announces the addresses now; one more from here would pull a client back.
     */
    void silence() {
        silenced = true;
    }

    /** One announcement of one address, now (the first of a takeover). */
    void announceOnce(HostAddress address) {
        if (silenced) {
            return;
        }
        try {
            announcer.announce(address);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot announce {}: {}", FloatingAddresses.text(address), e.getMessage());
        }
    }

    private void announceAll() {
        held.get().forEach(this::announceOnce);
    }
}
