package io.fulcrum.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.table.RateEstimator.Rates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateEstimatorTest {

    private static final long TICK = RateEstimator.INTERVAL_NANOS;

    private final VirtualServerTable table = new VirtualServerTable(() -> 0L);
    private final RateEstimator estimator = new RateEstimator(table::snapshot);
    private long now = 5 * TICK;

    @BeforeEach
    void oneRealServer() {
        apply("""
                     server a {
                          address = 192.168.0.1
                          active = 1
                     }
                """);
    }

    private void apply(String servers) {
        ConfigResult result = LvsConfig.parse("test.cf", """
                primary = 10.0.0.1
                virtual web {
                     active = 1
                     address = 10.0.0.100 eth0:1
                     port = 80
                     check = none
                %s
                }
                """.formatted(servers));
        assertThat(result.errors()).isEmpty();
        table.apply(result.config().orElseThrow());
    }

    private RealServerCounters counters() {
        return table.snapshot().entry("web").orElseThrow().pool().getFirst().counters();
    }

    /** One 2-second interval with this many new connections and bytes each way. */
    private void interval(int connections, long inBytes, long outBytes) {
        RealServerCounters counters = counters();
        for (int i = 0; i < connections; i++) {
            counters.bind(true, 0);
        }
        counters.addInBytes(inBytes);
        counters.addOutBytes(outBytes);
        now += TICK;
        estimator.tick(now);
    }

    @Test
    void theFirstSampleIsOnlyABaseline() {
        interval(1000, 1_000_000, 0);
        estimator.tick(now);

        assertThat(estimator.rates(counters())).isEqualTo(Rates.ZERO);
    }

    @Test
    void aSteadyRateIsApproachedAsIpvsDoesAQuarterOfTheGapPerTick() {
        estimator.tick(now);
        // 200 connections and 2 MB in 2 s: 100 cps, 1,000,000 B/s in, 250,000 B/s out.
        long[] expectedCps = {25, 44, 58, 68, 76, 82};
        for (long cps : expectedCps) {
            interval(200, 2_000_000, 500_000);
            assertThat(estimator.rates(counters()).cps()).isEqualTo(cps);
        }
        for (int i = 0; i < 60; i++) {
            interval(200, 2_000_000, 500_000);
        }
        assertThat(estimator.rates(counters())).isEqualTo(new Rates(100, 1_000_000, 250_000));
    }

    @Test
    void ratesDecayOnceTrafficStops() {
        estimator.tick(now);
        for (int i = 0; i < 60; i++) {
            interval(20, 0, 0);
        }
        assertThat(estimator.rates(counters()).cps()).isEqualTo(10);

        interval(0, 0, 0);
        // 10 * 3/4 = 7.5, which IPVS's read rounding ((avg + 0x1FF) >> 10) takes down.
        assertThat(estimator.rates(counters()).cps()).isEqualTo(7);
        for (int i = 0; i < 60; i++) {
            interval(0, 0, 0);
        }
        assertThat(estimator.rates(counters()).cps()).isZero();
    }

    @Test
    void aLateTickMeasuresOverTheTimeThatReallyPassed() {
        estimator.tick(now);
        for (int i = 0; i < 60; i++) {
            interval(200, 0, 0);
        }
        for (int i = 0; i < 400; i++) {
            counters().bind(true, 0);
        }
        now += 2 * TICK;
        estimator.tick(now);

        assertThat(estimator.rates(counters()).cps()).isEqualTo(100);
    }

    @Test
    void aRealServerThatLeftTheTableIsForgotten() {
        estimator.tick(now);
        RealServerCounters leaving = counters();
        interval(200, 0, 0);
        assertThat(estimator.rates(leaving).cps()).isPositive();

        apply("""
                     server b {
                          address = 192.168.0.2
                          active = 1
                     }
                """);
        estimator.tick(now + TICK);

        assertThat(estimator.rates(leaving)).isEqualTo(Rates.ZERO);
    }

    @Test
    void aTickWithoutElapsedTimeKeepsTheEstimate() {
        estimator.tick(now);
        interval(200, 0, 0);
        Rates before = estimator.rates(counters());

        estimator.tick(now);

        assertThat(estimator.rates(counters())).isEqualTo(before).isNotEqualTo(Rates.ZERO);
    }
}
