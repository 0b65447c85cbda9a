package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightedOverflowTest {

    /** weights | active/inactive per dest | overload flags | expected pick. */
    @ParameterizedTest(name = "[{index}] w={0} conns={1} over={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            3,2,1     |                       |     | A
            # up to weight active connections the dest is still a candidate
            3,2,1     | 3/0,0/0,0/0           |     | A
            3,2,1     | 4/0,0/0,0/0           |     | B
            3,2,1     | 4/0,3/0,1/0           |     | C
            3,2,1     | 4/0,3/0,2/0           |     | none
            # only active connections count
            3,2       | 0/1000,0/0            |     | A
            2,2       | 1/0,0/0               |     | A
            3,2       |                       | X-  | B
            0,1       |                       |     | B
            0,0       |                       |     | none
            """)
    void picks(String weights, String connections, String overloads, String expected) {
        Scheduler scheduler = new WeightedOverflow();
        scheduler.prepare(PoolRows.pool(weights, connections, overloads));

        assertThat(PoolRows.name(scheduler.pick(Flows.ANY))).isEqualTo(expected);
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.OVF)).isInstanceOf(WeightedOverflow.class);
    }
}
