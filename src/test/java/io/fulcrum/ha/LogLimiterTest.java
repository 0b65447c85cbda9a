package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogLimiterTest {

    private static final long S = 1_000_000_000L;

    /** nanoTime's origin is arbitrary: the first event is logged at once wherever the clock starts. */
    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE + 1, -5 * S, 0, 5, 123 * S, Long.MAX_VALUE - 100 * S})
    void theFirstIsLoggedAtOnceThenAtMostEveryInterval(long start) {
        LogLimiter limiter = new LogLimiter(Duration.ofSeconds(10));
        assertThat(limiter.due(start)).as("the first").isTrue();
        assertThat(limiter.due(start)).isFalse();
        assertThat(limiter.due(start + 9 * S)).isFalse();
        assertThat(limiter.due(start + 10 * S - 1)).isFalse();
        assertThat(limiter.due(start + 10 * S)).as("10 s after the first").isTrue();
        assertThat(limiter.due(start + 15 * S)).isFalse();
        assertThat(limiter.due(start + 20 * S)).isTrue();
    }
}
