package io.fulcrum.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fulcrum.admin.wire.ConnectionEntry;
import io.fulcrum.admin.wire.Rates;
import io.fulcrum.admin.wire.RealServerStatus;
import io.fulcrum.admin.wire.Stats;
import io.fulcrum.admin.wire.Status;
import io.fulcrum.admin.wire.VirtualServerStatus;
import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.Config;
import io.fulcrum.model.Persistence;
import io.fulcrum.model.Protocol;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.Engine;
import io.fulcrum.table.Placement;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.VirtualServerEntry;
import io.fulcrum.table.RateEstimator;
import io.fulcrum.table.TableSnapshot;
import io.fulcrum.table.VirtualServerTable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TableStatusTest {

    private final VirtualServerTable table = new VirtualServerTable(() -> 0L);
    private final RateEstimator rates = new RateEstimator(table::snapshot);
    private Config config;

    private final Engine engine = new Engine() {
        @Override
        public String name() {
            return "proxy (epoll)";
        }

        @Override
        public void apply(TableSnapshot snapshot) {
        }

        @Override
        public List<ConnectionView> connections() {
            return List.of(new ConnectionView(Protocol.TCP, "ESTABLISHED", Duration.ofSeconds(897),
                    new InetSocketAddress("2001:db8::7", 51514), new InetSocketAddress("10.0.0.100", 80),
                    new InetSocketAddress("192.168.10.11", 80)));
        }

        @Override
        public int drain(Duration limit) {
            return 0;
        }

        @Override
        public void close() {
        }
    };

    private final TableStatus status = new TableStatus(table::snapshot, () -> config.network(), engine, rates, "1.2.3", () -> null, List::of);

    private void apply(String text) {
        ConfigResult result = LvsConfig.parse("test.cf", text);
        assertThat(result.errors()).isEmpty();
        config = result.config().orElseThrow();
        table.apply(config);
    }

    private static final String WEB = """
            primary = 10.0.0.1
            network = direct
            virtual web {
                 active = 1
                 address = 10.0.0.100 eth0:1
                 port = 443
                 scheduler = sh
                 scheduler_flags = sh-port
                 persistent = 300
                 pmask = 255.255.255.0
                 check = none
                 sorry_server = 192.168.10.99
                 server a {
                      address = 192.168.10.11
                      active = 1
                      weight = 3
                 }
                 server b {
                      address = 192.168.10.12
                      active = 1
                 }
            }
            """;

    private List<PoolMember> pool() {
        return table.snapshot().entry("web").orElseThrow().pool();
    }

    @Test
    void virtualServersCarryIpvsadmsServiceFields() {
        apply(WEB);

        Status listed = status.status();

        assertThat(listed.version()).isEqualTo("1.2.3");
        assertThat(listed.engine()).isEqualTo("proxy (epoll)");
        VirtualServerStatus web = listed.virtualServers().getFirst();
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.label()).isEqualTo("TCP  10.0.0.100:443");
        assertThat(web.scheduler()).isEqualTo("sh");
        assertThat(web.schedulerFlags()).containsExactly("sh-port");
        assertThat(web.persistentTimeout()).isEqualTo(300);
        assertThat(web.persistentMask()).isEqualTo("255.255.255.0");
        assertThat(web.realServers()).extracting(RealServerStatus::endpoint, RealServerStatus::forward,
                        RealServerStatus::weight)
                .containsExactly(tuple("192.168.10.11:443", "Route", 3),
                        tuple("192.168.10.12:443", "Route", 1));
    }

    @Test
    void countersAreListedPerRealServerAndSummedPerVirtualServer() {
        apply(WEB);
        rates.tick(0);
        PoolMember a = pool().get(0);
        PoolMember b = pool().get(1);
        for (int i = 0; i < 40; i++) {
            a.bind(true);
        }
        b.bind(false);
        a.counters().deactivate();
        a.counters().addInBytes(64_000);
        b.counters().addOutBytes(1_000);
        rates.tick(RateEstimator.INTERVAL_NANOS);

        VirtualServerStatus web = status.status().virtualServers().getFirst();

        RealServerStatus first = web.realServers().getFirst();
        assertThat(first.active()).isEqualTo(39);
        assertThat(first.inactive()).isEqualTo(1);
        assertThat(first.stats()).isEqualTo(new Stats(40, 0, 0, 64_000, 0));
        assertThat(first.rates()).isEqualTo(new Rates(5, 0, 0, 8_000, 0));
        assertThat(web.stats()).isEqualTo(new Stats(41, 0, 0, 64_000, 1_000));
        assertThat(web.rates()).isEqualTo(new Rates(5, 0, 0, 8_000, 125));
    }

    @Test
    void theSorryServerIsListedOnlyWhileNoRealServerIsUp() {
        apply(WEB);
        for (PoolMember member : pool()) {
            table.setHealth(new VirtualServerTable.MemberKey(table.snapshot().entries().getFirst().config().key(),
                    member.realServer().address(), member.realServer().port()), false, 0);
        }

        assertThat(status.status().virtualServers().getFirst().realServers())
                .extracting(RealServerStatus::name, RealServerStatus::endpoint, RealServerStatus::weight)
                .containsExactly(tuple("sorry_server", "192.168.10.99:443", 1));
    }

    @Test
    void theSorryServersRowIsMarkedAfterIpvsadmsColumns() {
        apply(WEB);
        for (PoolMember member : pool()) {
            table.setHealth(new VirtualServerTable.MemberKey(table.snapshot().entries().getFirst().config().key(),
                    member.realServer().address(), member.realServer().port()), false, 0);
        }

        List<String> rows = IpvsadmFormat.list(status.status()).lines().filter(l -> l.startsWith("  -> 1")).toList();

        // ipvsadm's columns, blanks included, then the note: awk '{print $2, $5}' still reads Forward and ActiveConn
        assertThat(rows).containsExactly(
                "  -> 192.168.10.99:443            Route   1      0          0          sorry server");
    }

    @Test
    void persistenceMasksAreWrittenAsIpvsadmWritesThem() {
        assertThat(TableStatus.persistentMask(new Persistence(300, OptionalInt.of(24)), false)).isEqualTo("255.255.255.0");
        assertThat(TableStatus.persistentMask(new Persistence(300, OptionalInt.of(0)), false)).isEqualTo("0.0.0.0");
        assertThat(TableStatus.persistentMask(new Persistence(300, OptionalInt.of(19)), false)).isEqualTo("255.255.224.0");
        assertThat(TableStatus.persistentMask(new Persistence(300, OptionalInt.of(64)), true)).isEqualTo("64");
        assertThat(TableStatus.persistentMask(new Persistence(300, OptionalInt.empty()), false)).isNull();
        assertThat(TableStatus.persistentMask(new Persistence(0, OptionalInt.of(24)), false)).isNull();
    }

    @Test
    void connectionsAreTheEnginesWithIpvsadmsEndpointText() {
        apply(WEB);

        assertThat(status.connections()).containsExactly(new ConnectionEntry("TCP", 897, "ESTABLISHED",
                "[2001:db8::7]:51514", "10.0.0.100:80", "192.168.10.11:80"));
    }

    @Test
    void persistenceTemplatesAreListedAfterTheConnectionsAsIpvsadmShowsThem() throws Exception {
        apply(WEB);
        VirtualServerEntry web = table.snapshot().entry("web").orElseThrow();
        java.net.InetAddress client = java.net.InetAddress.getByName("203.0.113.77");
        Placement placement = web.place(client, io.fulcrum.schedule.Flow.of(client, 40000, web.config().address()));

        assertThat(status.connections()).hasSize(2).last().satisfies(template -> {
            assertThat(template.protocol()).isEqualTo("TCP");
            assertThat(template.state()).isEqualTo("NONE");
            assertThat(template.client()).isEqualTo("203.0.113.0:0");
            assertThat(template.virtual()).isEqualTo("10.0.0.100:443");
            assertThat(template.real()).isEqualTo(placement.member().realServer().endpoint());
            assertThat(template.expiresSeconds()).isBetween(299L, 300L);
        });
    }
}
