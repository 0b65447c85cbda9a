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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /** A virtual server {@code web} whose identity lines (address, port, fwmark) the test chooses. */
    private static Config web(String identity, String body) {
        ConfigResult result = LvsConfig.parse("test.cf", """
                primary = 10.0.0.1
                virtual web {
                     active = 1
                %s
                %s
                }
                """.formatted(identity, body));
        assertThat(result.errors()).isEmpty();
        return result.config().orElseThrow();
    }

    private static final String TWO_SERVERS_ON_80 = """
                 server s1 {
                      address = 192.168.0.1
                      active = 1
                      port = 80
                 }
                 server s2 {
                      address = 192.168.0.2
                      active = 1
                      port = 80
                 }
            """;

    @Test
    void aReloadThatMovesAVirtualServerKeepsTheHealthOfItsRealServers() {
        table.apply(web("address = 10.0.0.100 eth0:1\nport = 80", TWO_SERVERS_ON_80));
        table.setHealth(member(1), true, 1);
        table.setHealth(member(2), true, 0);
        PoolMember first = web().pool().getFirst();
        first.bind(true);

        for (String identity : List.of("address = 10.0.0.101 eth0:1\nport = 80",
                "address = 10.0.0.101 eth0:1\nport = 8080",
                "address = 10.0.0.101 eth0:1\nport = 8080\nfwmark = 7",
                "address = 10.0.0.102 eth0:1\nport = 8080\nfwmark = 8",
                "address = 10.0.0.100 eth0:1\nport = 80")) {
            table.apply(web(identity, TWO_SERVERS_ON_80));

            assertThat(endpoints(web())).as(identity).containsExactly("192.168.0.1:80/1", "192.168.0.2:80/0");
            assertThat(web().pool().getFirst()).as(identity).isSameAs(first);
            assertThat(placeFrom("203.0.113.1")).as(identity).isEqualTo("s1");
        }
        assertThat(first.activeConnections()).as("counters kept").isEqualTo(1);
    }

    @Test
    void aVirtualServerIsMatchedByNameBeforeKeySoTwoThatSwapAddressesKeepTheirOwnHealth() {
        String servers = """
                virtual a {
                     active = 1
                     address = %s eth0:1
                     server a1 {
                          address = 192.168.0.1
                          active = 1
                     }
                }
                virtual b {
                     active = 1
                     address = %s eth0:2
                     server b1 {
                          address = 192.168.0.1
                          active = 1
                     }
                }
                """;
        table.apply(LvsConfig.parse("t.cf", servers.formatted("10.0.0.100", "10.0.0.101")).config().orElseThrow());
        ServiceKey a = table.snapshot().entry("a").orElseThrow().key();
        table.setHealth(new MemberKey(a, ip("192.168.0.1"), 80), true, 1);

        table.apply(LvsConfig.parse("t.cf", servers.formatted("10.0.0.101", "10.0.0.100")).config().orElseThrow());

        assertThat(endpoints(table.snapshot().entry("a").orElseThrow())).containsExactly("192.168.0.1:80/1");
        assertThat(endpoints(table.snapshot().entry("b").orElseThrow())).as("b's real server never passed a check").isEmpty();
    }

    @Test
    void healthReportedByVirtualServerNameReachesTheVirtualServerWhateverItsKey() {
        table.apply(web("address = 10.0.0.100 eth0:1\nport = 80", TWO_SERVERS_ON_80));
        table.apply(web("address = 10.0.0.100 eth0:1\nport = 80\nfwmark = 3", TWO_SERVERS_ON_80));

        table.setHealth("web", ip("192.168.0.2"), 80, true, 1);

        assertThat(endpoints(web())).containsExactly("192.168.0.2:80/1");
    }

    /**
     * The browser case: the first connections of one client network arrive on several event loops at
     * once; whichever creates the template, all of them go where it says. Each round races the
     * threads over many client networks, one after the other.
     */
    @Test
    void connectionsOfOneClientNetworkArrivingAtOnceGetTheSameRealServer() throws Exception {
        Config config = config("check = none\nscheduler = rr\npersistent = 60\npmask = 255.255.255.0\n"
                + servers("1", "1", "1", "1"));
        int threads = 3;
        int networks = 50;
        ExecutorService loops = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 100; round++) {
                VirtualServerTable fresh = new VirtualServerTable(() -> now);
                fresh.apply(config);
                VirtualServerEntry entry = fresh.snapshot().entry("web").orElseThrow();
                CountDownLatch ready = new CountDownLatch(threads);
                List<Future<List<String>>> placed = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int host = t + 1;
                    placed.add(loops.submit(() -> {
                        // the last thread to arrive opens the latch; spinning rather than parking, the
                        // threads leave it within nanoseconds of each other
                        ready.countDown();
                        while (ready.getCount() > 0) {
                            Thread.onSpinWait();
                        }
                        List<String> names = new ArrayList<>();
                        for (int n = 0; n < networks; n++) {
                            InetAddress client = InetAddress.getByAddress(new byte[] {(byte) 198, 51, (byte) n, (byte) host});
                            names.add(entry.place(client, Flow.of(client, 40000, ip("10.0.0.100"))).member().realServer().name());
                        }
                        return names;
                    }));
                }
                List<String> first = placed.getFirst().get(5, TimeUnit.SECONDS);
                for (Future<List<String>> other : placed) {
                    assertThat(other.get(5, TimeUnit.SECONDS)).as("round %d", round).isEqualTo(first);
                }
                assertThat(entry.persistence().orElseThrow().size()).isEqualTo(networks);
            }
        } finally {
            loops.shutdownNow();
        }
    }
}
