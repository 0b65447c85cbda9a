package io.fulcrum.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class RealServerHealthProperties {

    private static Gen<List<Boolean>> results() {
        return lists().of(booleans().all()).ofSizeBetween(0, 60);
    }

    @Test
    void weightIsNeverAboveTheConfiguredOneAndZeroOutsideThePool() {
        Gen<int[]> riseFall = integers().between(1, 5).zip(integers().between(1, 5), (r, f) -> new int[] {r, f});
        qt().forAll(integers().between(0, 65535), riseFall, booleans().all(), results())
                .checkAssert((weight, rf, quiesce, results) -> {
                    ManualClock clock = new ManualClock();
                    RealServerHealth health = new RealServerHealth(weight, rf[0], rf[1], quiesce, clock);
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
                });
    }

    @Test
    void fewerThanFallFailuresNeverTakeAnUpServerOut() {
        qt().forAll(integers().between(2, 5), results()).checkAssert((fall, results) -> {
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
        });
    }
}
