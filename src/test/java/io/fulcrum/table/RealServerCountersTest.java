package io.fulcrum.table;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The overload flag of ipvs.md 0.4: set at bind, cleared at unbind, with hysteresis. */
class RealServerCountersTest {

    /**
     * Each step is b (bind one active connection), u (unbind one) or f (bind one whose connect then
     * fails, so it is withdrawn); the flags column gives the overload flag after each step.
     */
    @ParameterizedTest(name = "u={0} l={1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # upper | lower | steps     | flag after each step
            0       | 0     | b b b u   | - - - -
            3       | 0     | b b b u   | - - O -
            4       | 0     | b b b b u | - - - O O
            4       | 0     | b b b b u u | - - - O O -
            4       | 2     | b b b b u u u | - - - O O O -
            2       | 0     | b b u u   | - O - -
            4       | 0     | b b b f   | - - - -
            4       | 0     | b b b f b | - - - - O
            3       | 0     | b b b f   | - - O O
            1       | 0     | f f b     | - - O
            """)
    void overloadFlagFollowsTheThresholds(int upper, int lower, String steps, String flags) {
        RealServerCounters counters = new RealServerCounters();
        String[] step = steps.trim().split(" +");
        String[] flag = flags.trim().split(" +");
        StringBuilder seen = new StringBuilder();
        for (String s : step) {
            if (s.equals("b")) {
                counters.bind(true, upper);
            } else if (s.equals("f")) {
                counters.withdraw(true, upper, counters.bind(true, upper));
            } else {
                counters.unbind(true, upper, lower);
            }
            seen.append(counters.overloaded() ? "O " : "- ");
        }
        assertThat(seen.toString().trim()).isEqualTo(String.join(" ", flag));
    }

    @ParameterizedTest(name = "threshold {0} -> {1} clears: {2}")
    @CsvSource({"3, 0, true", "3, 5, true", "3, 3, false", "3, 2, false"})
    void editingTheUpperThresholdClearsTheFlagOnlyWhenRemovedOrRaised(int oldUpper, int newUpper, boolean clears) {
        RealServerCounters counters = new RealServerCounters();
        for (int i = 0; i < 3; i++) {
            counters.bind(true, oldUpper);
        }
        assertThat(counters.overloaded()).isTrue();

        counters.thresholdsEdited(oldUpper, newUpper);

        assertThat(counters.overloaded()).isEqualTo(!clears);
    }

    @ParameterizedTest(name = "{0} active")
    @CsvSource({"true", "false"})
    void connectionsAreCountedInTheStateTheyWereBoundIn(boolean active) {
        RealServerCounters counters = new RealServerCounters();
        counters.bind(active, 0);

        assertThat(counters.activeConnections()).isEqualTo(active ? 1 : 0);
        assertThat(counters.inactiveConnections()).isEqualTo(active ? 0 : 1);
        if (active) {
            counters.deactivate();
            assertThat(counters.inactiveConnections()).isEqualTo(1);
        }
        counters.unbind(false, 0, 0);
        assertThat(counters.activeConnections() + counters.inactiveConnections()).isZero();
        assertThat(counters.connections()).isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void aWithdrawnConnectionIsNotInConns() {
        RealServerCounters counters = new RealServerCounters();
        counters.bind(true, 0);
        counters.withdraw(true, 0, counters.bind(true, 0));

        assertThat(counters.connections()).isEqualTo(1);
        assertThat(counters.activeConnections()).isEqualTo(1);
    }
}
