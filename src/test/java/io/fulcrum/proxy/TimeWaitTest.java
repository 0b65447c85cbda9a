package io.fulcrum.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.config.LvsConfig;
import io.fulcrum.table.Placement;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.VirtualServerTable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimeWaitTest {

    private static PoolMember member() {
        VirtualServerTable table = new VirtualServerTable();
        table.apply(LvsConfig.parse("t.cf", """
                virtual v {
                     active = 1
                     address = 127.0.0.1
                     check = none
                     server s {
                          address = 127.0.0.1
                          active = 1
                     }
                }
                """).config().orElseThrow());
        return table.snapshot().entry("v").orElseThrow().pool().getFirst();
    }

    @Test
    void anEndedConnectionCountsAsInactiveUntilItsTimeIsUp() {
        PoolMember member = member();
        TimeWait timeWait = new TimeWait();
        long second = TimeUnit.SECONDS.toNanos(1);
        member.bind(false);
        member.bind(false);
        timeWait.add(member, new Placement(member, null), 0, 10 * second);
        timeWait.add(member, new Placement(member, null), 5 * second, 10 * second);

        assertThat(timeWait.expire(9 * second)).isZero();
        assertThat(member.inactiveConnections()).isEqualTo(2);

        assertThat(timeWait.expire(10 * second)).isEqualTo(1);
        assertThat(member.inactiveConnections()).isEqualTo(1);

        assertThat(timeWait.expire(20 * second)).isEqualTo(1);
        assertThat(member.inactiveConnections()).isZero();
        assertThat(timeWait.size()).isZero();
    }
}
