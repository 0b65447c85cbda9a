package io.fulcrum.config;

import java.math.BigDecimal;
import java.time.Duration;

/** Durations as lvs.cf writes them: seconds, with a fraction only when there is one. */
final class Seconds {

    private Seconds() {
    }

    static String text(Duration duration) {
        return BigDecimal.valueOf(duration.getSeconds())
                .add(BigDecimal.valueOf(duration.getNano(), 9))
                .stripTrailingZeros()
                .toPlainString();
    }
}
