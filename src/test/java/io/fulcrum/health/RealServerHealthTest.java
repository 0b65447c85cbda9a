package io.fulcrum.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Sequences of check results against expected states and weights. A script is a list of steps:
 * {@code +} a good check, {@code -} a failed one, {@code ?} no check (just look), each followed by
 * {@code =STATE/WEIGHT}; {@code 20s} moves the clock.
 */
class RealServerHealthTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("first success: in at once, full weight, no slow start",
                        100, 6, 1, false, "?=UNKNOWN/0 +=UP/100"),
                Arguments.of("first failure: out, then rise successes and a slow start",
                        100, 3, 1, false,
                        "-=DOWN/0 +=DOWN/0 +=DOWN/0 +=UP/3 20s ?=UP/6 20s +=UP/12 20s ?=UP/24 20s ?=UP/48 "
                                + "20s ?=UP/96 20s ?=UP/100 200s ?=UP/100"),
                Arguments.of("one failure is enough with fall 1 (nanny)",
                        10, 2, 1, false, "+=UP/10 -=DOWN/0 +=DOWN/0 +=UP/1"),
                Arguments.of("fall counts consecutive failures only",
                        10, 2, 3, false, "+=UP/10 -=UP/10 -=UP/10 +=UP/10 -=UP/10 -=UP/10 -=DOWN/0"),
                Arguments.of("rise counts consecutive successes only",
                        10, 3, 1, false, "+=UP/10 -=DOWN/0 +=DOWN/0 +=DOWN/0 -=DOWN/0 +=DOWN/0 +=DOWN/0 +=UP/1"),
                Arguments.of("quiesce: failure keeps it at weight 0, recovery slow-starts",
                        64, 2, 1, true, "+=UP/64 -=QUIESCED/0 -=QUIESCED/0 +=QUIESCED/0 +=UP/2 19s ?=UP/2 1s ?=UP/4"),
                Arguments.of("quiesce does not apply to a server that never came up",
                        64, 1, 1, true, "-=DOWN/0 +=UP/2 -=QUIESCED/0"),
                Arguments.of("failure during the ramp, then back: the ramp starts over",
                        320, 1, 1, false, "-=DOWN/0 +=UP/10 40s ?=UP/40 -=DOWN/0 +=UP/10"),
                Arguments.of("small weights slow-start at 1",
                        1, 1, 1, false, "-=DOWN/0 +=UP/1"),
                Arguments.of("weight 0 stays 0",
                        0, 1, 1, false, "+=UP/0 -=DOWN/0 +=UP/0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void followsTheScript(String name, int weight, int rise, int fall, boolean quiesce, String script) {
        ManualClock clock = new ManualClock();
        RealServerHealth health = new RealServerHealth(weight, rise, fall, quiesce, clock);
        int step = 0;
        for (String token : script.split(" ")) {
            step++;
            if (token.endsWith("s")) {
                clock.advance(Duration.ofSeconds(Long.parseLong(token.substring(0, token.length() - 1))));
                continue;
            }
            switch (token.charAt(0)) {
                case '+' -> health.record(true);
                case '-' -> health.record(false);
                case '?' -> { }
                default -> throw new IllegalArgumentException(token);
            }
            String expected = token.substring(2);
            assertThat(health.state() + "/" + health.weight()).as("step %d: %s", step, token).isEqualTo(expected);
        }
    }

    @Test
    void reweightKeepsTheState() {
        ManualClock clock = new ManualClock();
        RealServerHealth health = new RealServerHealth(10, 1, 1, false, clock);
        health.record(true);
        health.reweight(40);
        assertThat(health.state()).isEqualTo(HealthState.UP);
        assertThat(health.weight()).isEqualTo(40);
    }

    @Test
    void rejectsNonsense() {
        ManualClock clock = new ManualClock();
        assertThatThrownBy(() -> new RealServerHealth(-1, 1, 1, false, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RealServerHealth(1, 0, 1, false, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RealServerHealth(1, 1, 0, false, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
