package io.fulcrum.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.Config;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.schedule.Flow;
import io.fulcrum.table.VirtualServerTable.MemberKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VirtualServerTableTest {

    private long now = 1_000_000_000L;
    private final VirtualServerTable table = new VirtualServerTable(() -> now);

    private static Config config(String virtualBody) {
        ConfigResult result = LvsConfig.parse("test.cf", """
                primary = 10.0.0.1
                virtual web {
                     active = 1
                     address = 10.0.0.100 eth0:1
                     port = 80
                %s
                }
                """.formatted(virtualBody));
        assertThat(result.errors()).isEmpty();
        return result.config().orElseThrow();
    }

    private static String servers(String... weights) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < weights.length; i++) {
            text.append("""
                         server s%d {
                              address = 192.168.0.%d
                              active = 1
                              weight = %s
                         }
                    """.formatted(i + 1, i + 1, weights[i]));
        }
        return text.toString();
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private VirtualServerEntry web() {
        return table.snapshot().entry("web").orElseThrow();
    }

    private static List<String> endpoints(VirtualServerEntry entry) {
        return entry.pool().stream().map(m -> m.realServer().endpoint() + "/" + m.weight()).toList();
    }

    private MemberKey member(int n) {
        return new MemberKey(web().config().key(), ip("192.168.0." + n), 80);
    }

    private String placeFrom(String client) {
        Placement placement = web().place(ip(client), Flow.of(ip(client), 40000, ip("10.0.0.100")));
        return placement == null ? null : placement.member().realServer().name();
    }

    @Test
    void realServersEnterThePoolOnlyAfterTheirFirstGoodCheck() {
        table.apply(config("scheduler = rr\n" + servers("1", "1")));
        assertThat(web().pool()).isEmpty();
        assertThat(placeFrom("203.0.113.1")).isNull();

        table.setHealth(member(2), true, 1);

        assertThat(endpoints(web())).containsExactly("192.168.0.2:80/1");
        assertThat(placeFrom("203.0.113.1")).isEqualTo("s2");
    }

    @Test
    void withCheckNoneActiveRealServersAreInThePoolAtOnceInLvsCfOrder() {
        table.apply(config("check = none\n" + servers("3", "1") + """
                     server off {
                          address = 192.168.0.9
                          active = 0
                     }
                """));

        assertThat(endpoints(web())).containsExactly("192.168.0.1:80/3", "192.168.0.2:80/1");
    }

    @Test
    void inactiveVirtualServersAreNotInTheTable() {
        Config config = LvsConfig.parse("t.cf", """
                virtual on {
                     active = 1
                     address = 10.0.0.100 eth0:1
                }
                virtual off {
                     active = 0
                     address = 10.0.0.101 eth0:2
                }
                """).config().orElseThrow();

        table.apply(config);

        assertThat(table.snapshot().entries()).extracting(e -> e.config().name()).containsExactly("on");
    }

    @Test
    void aReloadKeepsCountersAndMemberIdentityAndAppliesTheNewWeight() {
        table.apply(config("check = none\nscheduler = wlc\n" + servers("1", "1")));
        PoolMember before = web().pool().get(0);
        before.bind(true);
        long version = table.snapshot().version();

        table.apply(config("check = none\nscheduler = wlc\n" + servers("5", "1")));

        PoolMember after = web().pool().get(0);
        assertThat(after).isSameAs(before);
        assertThat(after.weight()).isEqualTo(5);
        assertThat(after.activeConnections()).isEqualTo(1);
        assertThat(table.snapshot().version()).isGreaterThan(version);
    }

    @Test
    void aRealServerRemovedByAReloadAndAddedBackStartsAfresh() {
        table.apply(config("check = none\n" + servers("1", "1")));
        web().pool().get(1).bind(true);

        table.apply(config("check = none\n" + servers("1")));
        assertThat(endpoints(web())).containsExactly("192.168.0.1:80/1");
        table.apply(config("check = none\n" + servers("1", "1")));

        assertThat(web().pool().get(1).activeConnections()).isZero();
    }

    @Test
    void aQuiescedRealServerStaysListedWithWeightZeroAndGetsNoNewConnections() {
        table.apply(config("check = none\nscheduler = wlc\n" + servers("1", "1")));

        table.setHealth(member(1), true, 0);

        assertThat(endpoints(web())).containsExactly("192.168.0.1:80/0", "192.168.0.2:80/1");
        for (int i = 0; i < 10; i++) {
            assertThat(placeFrom("203.0.113." + i)).isEqualTo("s2");
        }
    }

    @Test
    void theSorryServerIsUsedOnlyWhileNoRealServerIsUp() {
        table.apply(config("sorry_server = 192.168.0.200\nscheduler = rr\n" + servers("1")));
        assertThat(placeFrom("203.0.113.1")).isEqualTo("sorry_server");

        table.setHealth(member(1), true, 1);
        assertThat(placeFrom("203.0.113.1")).isEqualTo("s1");

        table.setHealth(member(1), true, 0);
        assertThat(placeFrom("203.0.113.1")).isEqualTo("sorry_server");
    }

    @Test
    void rrKeepsItsRotationWhenAnotherRealServerChangesHealth() {
        table.apply(config("check = none\nscheduler = rr\n" + servers("1", "1", "1")));
        assertThat(placeFrom("203.0.113.1")).isEqualTo("s1");

        table.setHealth(member(3), true, 2);

        assertThat(placeFrom("203.0.113.1")).isEqualTo("s2");
        assertThat(placeFrom("203.0.113.1")).isEqualTo("s3");
    }

    @Test
    void aClientNetworkSticksToItsRealServerUnderPersistence() {
        table.apply(config("check = none\nscheduler = rr\npersistent = 60\npmask = 255.255.255.0\n"
                + servers("1", "1", "1")));

        List<String> first = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            first.add(placeFrom("198.51.10" + i + ".7"));
        }
        assertThat(first).containsExactly("s1", "s2", "s3");
        // Another address in the same /24 goes where its network went.
        assertThat(placeFrom("198.51.102.200")).isEqualTo("s2");
        assertThat(placeFrom("198.51.102.7")).isEqualTo("s2");
    }

    @Test
    void aTemplateExpiresAfterTheTimeoutOnceItControlsNoConnection() {
        table.apply(config("check = none\nscheduler = rr\npersistent = 60\n" + servers("1", "1")));
        Placement first = web().place(ip("198.51.100.7"), Flow.of(ip("198.51.100.7"), 1, ip("10.0.0.100")));
        assertThat(first.member().realServer().name()).isEqualTo("s1");

        now += TimeUnit.SECONDS.toNanos(120);
        Placement second = web().place(ip("198.51.100.7"), Flow.of(ip("198.51.100.7"), 2, ip("10.0.0.100")));
        assertThat(second.member().realServer().name()).as("still controls an open connection").isEqualTo("s1");

        first.release();
        second.release();
        now += TimeUnit.SECONDS.toNanos(61);
        assertThat(placeFrom("198.51.100.7")).as("template expired: scheduled again").isEqualTo("s2");
    }

    @Test
    void aTemplateWhoseRealServerLeftThePoolIsNotHonoured() {
        table.apply(config("scheduler = rr\npersistent = 60\n" + servers("1", "1")));
        table.setHealth(member(1), true, 1);
        table.setHealth(member(2), true, 1);
        assertThat(placeFrom("198.51.100.7")).isEqualTo("s1");

        table.setHealth(member(1), false, 1);

        assertThat(placeFrom("198.51.100.7")).isEqualTo("s2");
        table.setHealth(member(1), true, 1);
        assertThat(placeFrom("198.51.100.7")).as("the new template holds").isEqualTo("s2");
    }

    @Test
    void healthForAnUnknownRealServerChangesNothing() {
        table.apply(config("check = none\n" + servers("1")));
        long version = table.snapshot().version();

        table.setHealth(new MemberKey(new ServiceKey.Address(io.fulcrum.model.Protocol.TCP, ip("10.9.9.9"), 80),
                ip("192.168.0.1"), 80), false, 0);

        assertThat(table.snapshot().version()).isEqualTo(version);
    }
}
