package io.fulcrum.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RealServerHealthProperties {

    @Property
    void weightIsNeverAboveTheConfiguredOneAndZeroOutsideThePool(
            @ForAll @IntRange(max = 65535) int weight, @ForAll @IntRange(min = 1, max = 5) int rise,
            @ForAll @IntRange(min = 1, max = 5) int fall, @ForAll boolean quiesce,
            @ForAll @Size(max = 60) List<Boolean> results) {
        ManualClock clock = new ManualClock();
        RealServerHealth health = new RealServerHealth(weight, rise, fall, quiesce, clock);
        for (boolean up : results) {
            health.record(up);
            clock.advance(Duration.ofSeconds(7));
            assertThat(health.weight()).isBetween(0, weight);
            if (health.state() != HealthState.UP) {
                assertThat(health.weight()).isZero();
            } else if (weight > 0) {
                assertThat(health.weight()).isPositive();
            }
            if (!quiesce) {
                assertThat(health.state()).isNotEqualTo(HealthState.QUIESCED);
            }
        }
    }

    @Property
    void fewerThanFallFailuresNeverTakeAnUpServerOut(
            @ForAll @IntRange(min = 2, max = 5) int fall, @ForAll @Size(max = 60) List<Boolean> results) {
        RealServerHealth health = new RealServerHealth(10, 1, fall, false, new ManualClock());
        health.record(true);
        int run = 0;
        for (boolean up : results) {
            run = up ? 0 : run + 1;
            if (run == fall) {
                return;
            }
            health.record(up);
            assertThat(health.state()).isEqualTo(HealthState.UP);
        }
    }
}
