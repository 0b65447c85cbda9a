package io.fulcrum.schedule.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openjdk.jmh.annotations.Param;

class SchedulerPickBenchmarkTest {

    @Test
    void everySchedulerKindIsBenchmarked() throws Exception {
        Param kinds = SchedulerPickBenchmark.class.getField("kind").getAnnotation(Param.class);

        assertThat(kinds.value()).containsExactlyInAnyOrderElementsOf(SchedulerKind.lvsNames());
    }

    @ParameterizedTest(name = "{0} with {1} real servers")
    @CsvSource({"dh, 3", "sh, 100", "mh, 100", "mh, 10000"})
    void setUpBuildsAPoolThatPicks(String kind, int poolSize) {
        SchedulerPickBenchmark benchmark = new SchedulerPickBenchmark();
        benchmark.kind = kind;
        benchmark.poolSize = poolSize;

        benchmark.setUp();

        assertThat(benchmark.pick()).isNotNull();
    }
}
