package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.SchedulerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeastConnectionTest {

    /** weights | active/inactive per dest | overload flags | expected pick. */
    @ParameterizedTest(name = "[{index}] w={0} conns={1} over={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # all idle: the first dest wins the tie
            1,1,1     |                       |     | A
            1,1,1     | 1/0,0/5,0/3           |     | C
            # one active connection weighs 256 inactive ones
            1,1       | 0/300,1/0             |     | B
            1,1       | 0/256,1/0             |     | A
            1,1,1     | 2/0,1/10,1/9          |     | C
            # weights other than 0 are ignored
            5,1       | 2/0,1/0               |     | B
            0,1       | 0/0,9/0               |     | B
            1,1       | 0/0,5/0               | X-  | B
            0,0       |                       |     | none
            1,1       |                       | XX  | none
            0,1       |                       | -X  | none
            # overhead beyond 32 bits: 10M active is 2.56e9
            1,1       | 10000000/0,9999999/255 |    | B
            """)
    void picks(String weights, String connections, String overloads, String expected) {
        Scheduler scheduler = new LeastConnection();
        scheduler.prepare(PoolRows.pool(weights, connections, overloads));

        assertThat(PoolRows.name(scheduler.pick(Flows.ANY))).isEqualTo(expected);
    }

    @Test
    void isRegisteredUnderItsLvsName() {
        assertThat(Schedulers.create(SchedulerKind.LC)).isInstanceOf(LeastConnection.class);
    }
}
