package io.fulcrum.health;

import io.fulcrum.model.HealthCheck;
import io.fulcrum.model.RealServer;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The health of one real server of one virtual server: a state machine fed with check results.
 *
 * <ul>
 *   <li>Start-up (nanny): the first good check puts the server in at full weight; a failed first
 *       check makes it {@link HealthState#DOWN}, and it then needs {@code rise} good checks.</li>
 *   <li>{@code fall} failed checks in a row take an {@link HealthState#UP} server out
 *       ({@link HealthState#QUIESCED} with {@code quiesce_server}); {@code rise} good checks in a row
 *       bring it back. A failure restarts the rise count, a success the fall count, so a flapping
 *       server does not flap the pool.</li>
 *   <li>Slow start when a server comes back after a failure (not at start-up): its weight starts at
 *       {@code weight >> 5} (at least 1) and doubles every {@link #WEIGHT_TICK} until it reaches the
 *       configured weight, as nanny's weight ticks did, so that least-connection schedulers do not
 *       flood it.</li>
 * </ul>
 * Not thread-safe; the clock is injected so that tests drive the ramp.
 */
public final class RealServerHealth {

    /** nanny's weight-adjust period. */
    public static final Duration WEIGHT_TICK = Duration.ofSeconds(20);

    private static final int SLOW_START_SHIFT = 5;

    private final InstantSource clock;
    private final int rise;
    private final int fall;
    private final boolean quiesce;
    private int weight;
    private HealthState state = HealthState.UNKNOWN;
    private int successes;
    private int failures;
    private Instant slowStartSince;

    public RealServerHealth(int weight, int rise, int fall, boolean quiesce, InstantSource clock) {
        if (weight < 0 || rise < 1 || fall < 1) {
            throw new IllegalArgumentException("weight " + weight + ", rise " + rise + ", fall " + fall);
        }
        this.weight = weight;
        this.rise = rise;
        this.fall = fall;
        this.quiesce = quiesce;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static RealServerHealth of(RealServer real, HealthCheck check, InstantSource clock) {
        return new RealServerHealth(real.weight(), check.rise(), check.fall(), check.quiesceServer(), clock);
    }

    public HealthState state() {
        return state;
    }

    /** The weight to schedule with now: 0 unless up; while slow-starting, the ramp's current step. */
    public int weight() {
        if (state != HealthState.UP) {
            return 0;
        }
        if (slowStartSince == null || weight == 0) {
            return weight;
        }
        long ticks = Duration.between(slowStartSince, clock.instant()).dividedBy(WEIGHT_TICK);
        long ramp = (long) Math.max(1, weight >> SLOW_START_SHIFT) << Math.clamp(ticks, 0, 31);
        return (int) Math.min(weight, ramp);
    }

    public void record(boolean up) {
        switch (state) {
            case UNKNOWN -> state = up ? HealthState.UP : HealthState.DOWN;
            case UP -> {
                failures = up ? 0 : failures + 1;
                if (failures >= fall) {
                    state = quiesce ? HealthState.QUIESCED : HealthState.DOWN;
                    failures = 0;
                    successes = 0;
                }
            }
            case DOWN, QUIESCED -> {
                successes = up ? successes + 1 : 0;
                if (successes >= rise) {
                    state = HealthState.UP;
                    successes = 0;
                    slowStartSince = clock.instant();
                }
            }
        }
    }

    /** A reload changed only the configured weight: keep the state, ramp towards the new weight. */
    public void reweight(int newWeight) {
        if (newWeight < 0) {
            throw new IllegalArgumentException("weight " + newWeight);
        }
        weight = newWeight;
    }
}
