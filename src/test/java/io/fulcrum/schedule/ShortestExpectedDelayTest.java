package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShortestExpectedDelayTest {

    /** weights | active/inactive per dest | overload flags | expected pick. */
    @ParameterizedTest(name = "[{index}] w={0} conns={1} over={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1,1       |                       |     | A
            # (1+1)/1 against (2+1)/2
            1,2       | 1/0,2/0               |     | B
            1,2       | 1/0,3/0               |     | A
            # inactive connections do not count
            1,1       | 0/1000,1/0            |     | A
            # all idle: the highest weight, the earlier on a tie
            1,3,2     |                       |     | B
            1,3,3     |                       |     | B
            0,1       |                       |     | B
            1,3       |                       | -X  | A
            0,0       |                       |     | none
            1,1       |                       | XX  | none
            # 40001*65535 overflows an int and would pick A
            1,65535   | 40000/0,2000000/0     |     | B
            """)
    void picks(String weights, String connections, String overloads, String expected) {
        Scheduler scheduler = new ShortestExpectedDelay();
        scheduler.prepare(PoolRows.pool(weights, connections, overloads));

        assertThat(PoolRows.name(scheduler.pick(Flows.ANY))).isEqualTo(expected);
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.SED)).isInstanceOf(ShortestExpectedDelay.class);
    }
}
