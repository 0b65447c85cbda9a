package io.fulcrum.health;

import io.fulcrum.model.AddressText;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.VirtualServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The checks of one real server of one virtual server, on a virtual thread of its own. */
final class CheckLoop {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final String virtualServer;
    private final Probe probe;
    private final InetSocketAddress target;
    private final Duration interval;
    private final RealServerHealth health;
    private final HealthListener listener;
    private final Thread thread;
    // guarded by this: a stopped loop publishes nothing more, even from a check already under way
    private RealServer real;
    private boolean stopped;
    private HealthState lastState = HealthState.UNKNOWN;
    private int lastWeight;
    /** How long the last check took, for the metrics; -1 before the first one ends. */
    private volatile long lastCheckNanos = -1;

    CheckLoop(VirtualServer virtual, RealServer real, HealthListener listener, InstantSource clock) {
        this.virtualServer = virtual.name();
        this.real = real;
        this.probe = Probes.of(virtual);
        this.target = Probes.target(virtual, real);
        this.interval = virtual.health().interval();
        this.health = RealServerHealth.of(real, virtual.health(), clock);
        this.listener = listener;
        this.thread = Thread.ofVirtual().name("health " + virtual.name() + " " + real.name()).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Interrupts the loop: a socket it waits on is closed, a program it runs is killed. */
    void stop() {
        synchronized (this) {
            stopped = true;
        }
        thread.interrupt();
    }

    boolean awaitStopped(Duration wait) throws InterruptedException {
        return thread.join(wait);
    }

    /** What status and metrics show of this check now. */
    synchronized HealthMonitor.CheckView view() {
        long nanos = lastCheckNanos;
        return new HealthMonitor.CheckView(virtualServer, real, lastState,
                nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos)));
    }

    /** A reload changed only this real server's weight (or fields no check uses): keep the state. */
    synchronized void update(RealServer changed) {
        real = changed;
        health.reweight(changed.weight());
        String why = "weight " + changed.weight() + " from the configuration";
        publish(why, why);
    }

    private void run() {
        try {
            while (true) {
                long started = System.nanoTime();
                ProbeResult result = check();
                lastCheckNanos = System.nanoTime() - started;
                synchronized (this) {
                    if (stopped) {
                        return;
                    }
                    health.record(result.up());
                    publish(result.reason(), "slow start");
                }
                Thread.sleep(interval);
            }
        } catch (InterruptedException stopping) {
            // stop() was called: end the loop
        }
    }

    private ProbeResult check() throws InterruptedException {
        try {
            return probe.check(target);
        } catch (RuntimeException e) {
            return ProbeResult.down("check failed: " + e);
        }
    }

    /** Tells the listener if the state or the weight moved since the last event. */
    private void publish(String stateReason, String weightReason) {
        HealthState state = health.state();
        int weight = health.weight();
        if (state == lastState && weight == lastWeight) {
            return;
        }
        String endpoint = AddressText.withPort(real.address(), real.port());
        String reason = state == lastState ? weightReason : stateReason;
        if (state == lastState) {
            LOG.debug("{} {} of {} weight {}: {}", state.tag(), endpoint, virtualServer, weight, reason);
        } else {
            LOG.info("{} {} of {} {}: {}", state.tag(), endpoint, virtualServer, word(state, weight), reason);
        }
        lastState = state;
        lastWeight = weight;
        try {
            listener.onChange(new HealthEvent(virtualServer, real, state, weight, reason));
        } catch (RuntimeException e) {
            LOG.warn("health listener failed on {} of {}", endpoint, virtualServer, e);
        }
    }

    private static String word(HealthState state, int weight) {
        return switch (state) {
            case UP -> "up, weight " + weight;
            case DOWN -> "down";
            case QUIESCED -> "quiesced, weight 0";
            case UNKNOWN -> "unknown";
        };
    }
}
