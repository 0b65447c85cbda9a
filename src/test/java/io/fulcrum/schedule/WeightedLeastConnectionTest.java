package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightedLeastConnectionTest {

    /** weights | active/inactive per dest | overload flags | expected pick. */
    @ParameterizedTest(name = "[{index}] w={0} conns={1} over={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1,1,1     |                       |     | A
            # 768/3 against 256/1: a tie keeps the earlier dest
            3,1       | 3/0,1/0               |     | A
            3,1       | 4/0,1/0               |     | B
            1,3       | 1/0,3/0               |     | A
            1,3       | 1/0,2/0               |     | B
            # an idle candidate can never be beaten, whatever the weights
            1,100     | 0/0,0/0               |     | A
            1,100     | 0/5,0/0               |     | B
            0,1       | 0/0,5/0               |     | B
            # an idle weight-0 dest cannot win either
            1,0       | 5/0,0/0               |     | A
            1,1       | 0/0,5/0               | X-  | B
            1,1,1     | 9/0,0/0,5/0           | -X- | C
            0,0,0     |                       |     | none
            1,2       |                       | XX  | none
            0,1       |                       | -X  | none
            # 64-bit products: 390*256*65535 overflows an int and would pick B
            65535,1   | 100000/0,390/0        |     | A
            1,65535   | 390/0,100000/0        |     | B
            65535,65535 | 8000000/0,7999999/0 |     | B
            2,1       | 10000000/0,4999999/0  |     | B
            """)
    void picks(String weights, String connections, String overloads, String expected) {
        Scheduler scheduler = new WeightedLeastConnection();
        scheduler.prepare(PoolRows.pool(weights, connections, overloads));

        assertThat(PoolRows.name(scheduler.pick(Flows.ANY))).isEqualTo(expected);
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.WLC)).isInstanceOf(WeightedLeastConnection.class);
    }
}
