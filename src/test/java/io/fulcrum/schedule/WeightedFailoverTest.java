package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightedFailoverTest {

    /** weights | active/inactive per dest | overload flags | expected pick. */
    @ParameterizedTest(name = "[{index}] w={0} conns={1} over={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1,3,2     |                       |     | B
            3,3,1     |                       |     | A
            1,3,2     |                       | -X- | C
            # connection counts are ignored
            1,3       | 0/0,1000/1000         |     | B
            0,1       |                       |     | B
            0,0       |                       |     | none
            1,2       |                       | XX  | none
            65535,65534 |                     |     | A
            """)
    void picks(String weights, String connections, String overloads, String expected) {
        Scheduler scheduler = new WeightedFailover();
        scheduler.prepare(PoolRows.pool(weights, connections, overloads));

        assertThat(PoolRows.name(scheduler.pick(Flows.ANY))).isEqualTo(expected);
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.FO)).isInstanceOf(WeightedFailover.class);
    }
}
