package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NeverQueueTest {

    /** weights | active/inactive per dest | overload flags | expected pick. */
    @ParameterizedTest(name = "[{index}] w={0} conns={1} over={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # the first idle dest, whatever its weight
            5,1,1     | 3/0,0/0,0/0           |     | B
            5,1,1     | 3/0,0/0,0/0           | -X- | C
            5,0,1     | 3/0,0/0,0/0           |     | C
            # idle means no active connection; inactive ones do not count
            1,1       | 1/0,0/50              |     | B
            1,9       | 0/0,1/0               |     | A
            # nobody idle: sed
            1,2       | 1/0,2/0               |     | B
            1,2       | 1/0,3/0               |     | A
            0,0       |                       |     | none
            1,1       |                       | XX  | none
            1,65535   | 40000/0,2000000/0     |     | B
            """)
    void picks(String weights, String connections, String overloads, String expected) {
        Scheduler scheduler = new NeverQueue();
        scheduler.prepare(PoolRows.pool(weights, connections, overloads));

        assertThat(PoolRows.name(scheduler.pick(Flows.ANY))).isEqualTo(expected);
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.NQ)).isInstanceOf(NeverQueue.class);
    }
}
