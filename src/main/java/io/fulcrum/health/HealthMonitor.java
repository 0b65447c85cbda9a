package io.fulcrum.health;

import io.fulcrum.model.RealServer;
import io.fulcrum.model.VirtualServer;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks every active real server of every active virtual server, each on its own virtual thread with
 * its own interval, timeout and rise/fall counts, and reports changes to a {@link HealthListener}.
 * Checks never touch the data path: they only produce events.
 */
public final class HealthMonitor implements AutoCloseable {

    /** How long {@link #close()} waits for the check threads (and the programs they run) to end. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    /** A check is one real server (by name) of one virtual server (by name). */
    private record CheckId(String virtualServer, String realServer) {
    }

    /** What a check was started from. */
    private record Setup(VirtualServer virtual, RealServer real) {

        /** Same probe, same target, same timing: the running check and its state stay valid. */
        boolean checksLike(Setup other) {
            return virtual.health().equals(other.virtual.health())
                    && virtual.port() == other.virtual.port()
                    && virtual.protocol() == other.virtual.protocol()
                    && Probes.target(virtual, real).equals(Probes.target(other.virtual, other.real));
        }
    }

    private record Running(Setup setup, CheckLoop loop) {
    }

    /**
     * One running check as status and metrics show it.
     *
     * @param state     the state last reported to the listener
     * @param lastCheck how long the last check took (a timeout counts in full); empty before the first ends
     */
    public record CheckView(String virtualServer, RealServer realServer, HealthState state, Optional<Duration> lastCheck) {
    }

    private final HealthListener listener;
    private final InstantSource clock;
    private final Map<CheckId, Running> checks = new HashMap<>();
    private boolean closed;

    public HealthMonitor(HealthListener listener, InstantSource clock) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public HealthMonitor(HealthListener listener) {
        this(listener, InstantSource.system());
    }

    /**
     * Applies a configuration as a diff against the running checks: an unchanged check keeps its thread
     * and state (a changed weight is taken over in place); a removed or changed one stops; a new one starts
     * in {@link HealthState#UNKNOWN}. Only active real servers of active virtual servers are checked.
     */
    public synchronized void apply(List<VirtualServer> virtualServers) {
        if (closed) {
            throw new IllegalStateException("health monitor is closed");
        }
        Map<CheckId, Setup> wanted = new LinkedHashMap<>();
        for (VirtualServer virtual : virtualServers) {
            if (virtual.active()) {
                virtual.realServers().stream().filter(RealServer::active).forEach(real ->
                        wanted.put(new CheckId(virtual.name(), real.name()), new Setup(virtual, real)));
            }
        }
        for (Iterator<Map.Entry<CheckId, Running>> it = checks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<CheckId, Running> check = it.next();
            Setup setup = wanted.get(check.getKey());
            if (setup == null || !setup.checksLike(check.getValue().setup())) {
                check.getValue().loop().stop();
                it.remove();
            }
        }
        wanted.forEach((id, setup) -> {
            Running running = checks.get(id);
            if (running == null) {
                CheckLoop loop = new CheckLoop(setup.virtual(), setup.real(), listener, clock);
                checks.put(id, new Running(setup, loop));
                loop.start();
            } else if (!running.setup().real().equals(setup.real())) {
                running.loop().update(setup.real());
                checks.put(id, new Running(setup, running.loop()));
            }
        });
    }

    /** The running checks, in no particular order. */
    public synchronized List<CheckView> checks() {
        return checks.values().stream().map(running -> running.loop().view()).toList();
    }

    /** The number of running checks. */
    public synchronized int size() {
        return checks.size();
    }

    /** Stops every check: open sockets are closed, running programs are killed with their children. */
    @Override
    public void close() {
        List<CheckLoop> loops;
        synchronized (this) {
            closed = true;
            loops = checks.values().stream().map(Running::loop).toList();
            checks.clear();
        }
        loops.forEach(CheckLoop::stop);
        long end = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            for (CheckLoop loop : loops) {
                loop.awaitStopped(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
