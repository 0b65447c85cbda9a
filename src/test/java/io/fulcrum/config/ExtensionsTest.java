package io.fulcrum.config;

import io.fulcrum.model.AddressPrefix;
import io.fulcrum.model.CheckType;
import io.fulcrum.model.Config;
import io.fulcrum.model.DaemonSettings;
import io.fulcrum.model.EngineKind;
import io.fulcrum.model.HealthCheck;
import io.fulcrum.model.PortRuns;
import io.fulcrum.model.ProxyProtocol;
import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SorryServer;
import io.fulcrum.model.StatusRange;
import io.fulcrum.model.VirtualServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.fulcrum.config.ConfigTexts.MINIMAL;
import static io.fulcrum.config.ConfigTexts.lines;
import static io.fulcrum.config.ConfigTexts.parse;
import static io.fulcrum.config.ConfigTexts.parseOk;
import static org.assertj.core.api.Assertions.assertThat;

/** Fulcrum's keys beyond Piranha's, with their defaults. */
class ExtensionsTest {

    private static VirtualServer virtual(String keys) {
        return parseOk(MINIMAL.replace("}", keys + "\n}")).virtualServers().getFirst();
    }

    @Test
    void healthDefaultsFollowNanny() {
        HealthCheck health = virtual("timeout = 6\nreentry = 30").health();
        assertThat(health.type()).isEqualTo(CheckType.TCP);
        assertThat(health.interval()).isEqualTo(Duration.ofSeconds(6));
        assertThat(health.rise()).isEqualTo(5);
        assertThat(health.fall()).isEqualTo(1);
        assertThat(health.path()).isEqualTo("/");
        assertThat(health.statuses()).containsExactly(StatusRange.OK);
        assertThat(virtual("timeout = 60\nreentry = 30").health().rise()).isEqualTo(1);
        assertThat(virtual("").health().rise()).isEqualTo(18);
    }

    @Test
    void sendProgramMakesTheDefaultCheckAProgram() {
        assertThat(virtual("send_program = /bin/check %h").health().type()).isEqualTo(CheckType.PROGRAM);
    }

    @Test
    void httpCheckKeys() {
        HealthCheck health = virtual("""
                check = https
                check_path = /healthz
                check_status = 200,204 300-399
                check_host = www.example.com
                check_port = 8443
                check_interval = 2.5
                rise = 3
                fall = 2
                """).health();
        assertThat(health.type()).isEqualTo(CheckType.HTTPS);
        assertThat(health.path()).isEqualTo("/healthz");
        assertThat(health.statuses()).containsExactly(new StatusRange(200, 200), new StatusRange(204, 204),
                new StatusRange(300, 399));
        assertThat(health.statusOk(302)).isTrue();
        assertThat(health.statusOk(201)).isFalse();
        assertThat(health.host()).contains("www.example.com");
        assertThat(health.port()).hasValue(8443);
        assertThat(health.interval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(health.rise()).isEqualTo(3);
        assertThat(health.fall()).isEqualTo(2);
    }

    @Test
    void proxyDefaultsAndKeys() {
        assertThat(virtual("").proxy().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(virtual("").proxy().connectRetries()).isEqualTo(2);
        assertThat(virtual("").proxy().drainTimeout()).isEqualTo(Duration.ofSeconds(300));
        VirtualServer v = virtual("connect_timeout = 0.5\nconnect_retries = 0\ndrain_timeout = 30");
        assertThat(v.proxy().connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(v.proxy().connectRetries()).isZero();
        assertThat(v.proxy().drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void proxyProtocolKeysAndTheirDefaults() throws Exception {
        assertThat(virtual("").proxy().proxyProtocol()).isEqualTo(ProxyProtocol.OFF);
        assertThat(virtual("").proxy().acceptProxyProtocol()).isFalse();
        VirtualServer v = virtual("proxy_protocol = V2\naccept_proxy_protocol = 1\n"
                + "accept_proxy_from = 10.0.0.1, 10.0.0.2/31 2001:db8::/64");
        assertThat(v.proxy().proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(v.proxy().acceptProxyFrom()).containsExactly(
                new AddressPrefix(InetAddress.getByName("10.0.0.1"), 32),
                new AddressPrefix(InetAddress.getByName("10.0.0.2"), 31),
                new AddressPrefix(InetAddress.getByName("2001:db8::"), 64));
        for (String trusted : List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "2001:db8::7")) {
            assertThat(v.proxy().trustsProxyHeaderFrom(InetAddress.getByName(trusted))).as(trusted).isTrue();
        }
        for (String untrusted : List.of("10.0.0.0", "10.0.0.4", "2001:db9::1", "10.1.0.1")) {
            assertThat(v.proxy().trustsProxyHeaderFrom(InetAddress.getByName(untrusted))).as(untrusted).isFalse();
        }
        assertThat(virtual("accept_proxy_from = 10.0.0.1").proxy().trustsProxyHeaderFrom(
                InetAddress.getByName("10.0.0.1"))).as("without accept_proxy_protocol").isFalse();
    }

    @Test
    void proxyProtocolKeysRoundTrip() {
        Config config = parseOk(MINIMAL.replace("}", "proxy_protocol = v1\naccept_proxy_protocol = 1\n"
                + "accept_proxy_from = 10.0.0.1/32 10.0.0.2/31 2001:db8::/64\n}"));
        String written = LvsConfig.write(config);
        assertThat(written).contains("proxy_protocol = v1\n", "accept_proxy_protocol = 1\n",
                "accept_proxy_from = 10.0.0.1 10.0.0.2/31 2001:db8::/64\n");
        assertThat(parseOk(written)).isEqualTo(config);
        assertThat(LvsConfig.write(parseOk(MINIMAL))).doesNotContain("proxy_protocol", "accept_proxy");
    }

    @Test
    void newSchedulersAndTheirFlags() {
        VirtualServer v = virtual("scheduler = mh\nscheduler_flags = mh-port, mh-fallback");
        assertThat(v.scheduler().lvsName()).isEqualTo("mh");
        assertThat(v.sortedSchedulerFlags()).containsExactly(SchedulerFlag.MH_FALLBACK, SchedulerFlag.MH_PORT);
        for (String name : List.of("sed", "nq", "fo", "ovf")) {
            assertThat(virtual("scheduler = " + name).scheduler().lvsName()).isEqualTo(name);
        }
    }

    @Test
    void fwmarkPortsAndSorryServerPorts() throws Exception {
        VirtualServer v = virtual("fwmark = 80\nfwmark_ports = 80, 443\nsorry_server = 10.0.5.5:8080");
        assertThat(v.fwmarkPorts()).containsExactly(80, 443);
        assertThat(v.sorryServer()).contains(new SorryServer(InetAddress.getByName("10.0.5.5"), 8080));
        assertThat(virtual("port = 25\nsorry_server = 10.0.5.5").sorryServer().orElseThrow().port()).isEqualTo(25);
    }

    @Test
    void fwmarkPortsTakeRangesAndAreWrittenBackAsRanges() {
        VirtualServer v = virtual("fwmark = 21\nfwmark_ports = 21, 30000-30004 8080");
        assertThat(v.fwmarkPorts()).containsExactly(21, 30000, 30001, 30002, 30003, 30004, 8080);
        assertThat(PortRuns.text(v.fwmarkPorts())).isEqualTo("21 30000-30004 8080");
        assertThat(PortRuns.text(List.of(443, 80, 81))).isEqualTo("443 80-81");
    }

    @Test
    void realServerThresholds() {
        VirtualServer v = virtual("server s {\n address = 10.0.1.1\n u_threshold = 100\n l_threshold = 50\n}");
        assertThat(v.realServers().getFirst().uThreshold()).isEqualTo(100);
        assertThat(v.realServers().getFirst().lThreshold()).isEqualTo(50);
    }

    @Test
    void daemonAndHaKeys() {
        Config config = parseOk("""
                engine = proxy
                state_dir = /run/fulcrum-b
                heartbeat_key_file = /etc/fulcrum/hb.key
                failback = 1
                failback_delay = 12.5
                """ + MINIMAL);
        assertThat(config.daemon().engine()).isEqualTo(EngineKind.PROXY);
        assertThat(config.daemon().stateDir()).isEqualTo(Path.of("/run/fulcrum-b"));
        assertThat(config.daemon().controlSocket()).isEqualTo(Path.of("/run/fulcrum-b/fulcrum.sock"));
        assertThat(config.daemon().pidFile()).isEqualTo(Path.of("/run/fulcrum-b/fulcrum.pid"));
        assertThat(config.routerPair().heartbeatKeyFile()).contains(Path.of("/etc/fulcrum/hb.key"));
        assertThat(config.routerPair().failback()).isTrue();
        assertThat(config.routerPair().failbackDelay()).isEqualTo(Duration.ofMillis(12500));
    }

    @Test
    void globalDefaultsArePiranhasButForSubSecondHeartbeats() {
        Config config = parseOk(MINIMAL);
        assertThat(config.routerPair().heartbeatPort()).isEqualTo(539);
        assertThat(config.routerPair().keepalive()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.routerPair().deadtime()).isEqualTo(Duration.ofMillis(600));
        assertThat(parseOk("keepalive = 6\n" + MINIMAL).routerPair().deadtime()).isEqualTo(Duration.ofSeconds(18));
        assertThat(config.routerPair().backupActive()).isFalse();
        assertThat(config.routerPair().failback()).isFalse();
        assertThat(config.network().lvsName()).isEqualTo("nat");
        assertThat(config.legacy().hardShutdown()).isTrue();
        assertThat(config.daemon().engine()).isEqualTo(EngineKind.PROXY);
        assertThat(config.daemon().controlSocket()).isEqualTo(Path.of("/run/fulcrum/fulcrum.sock"));
        VirtualServer v = config.virtualServers().getFirst();
        assertThat(v.port()).isEqualTo(80);
        assertThat(v.scheduler().lvsName()).isEqualTo("wlc");
        assertThat(v.protocol().lvsName()).isEqualTo("tcp");
        assertThat(v.health().timeoutSeconds()).isEqualTo(10);
        assertThat(v.health().reentrySeconds()).isEqualTo(180);
    }

    @Test
    void serverDefaultsArePiranhas() {
        VirtualServer v = virtual("server s {\n address = 10.0.1.1\n}");
        assertThat(v.realServers().getFirst().active()).isFalse();
        assertThat(v.realServers().getFirst().weight()).isEqualTo(1);
        assertThat(v.realServers().getFirst().port()).isEqualTo(80);
    }

    @Test
    void theApiListensOnLoopbackPort3636UnlessTheFileSaysOtherwise() {
        DaemonSettings defaults = parseOk(MINIMAL).daemon();
        assertThat(defaults.adminListen()).contains(new InetSocketAddress(InetAddress.getLoopbackAddress(), 3636));
        assertThat(defaults.usersFile(Path.of("/etc/sysconfig/ha/lvs.cf")))
                .isEqualTo(Path.of("/etc/sysconfig/ha/fulcrum.users"));

        DaemonSettings v6 = parseOk("admin_listen = [::1]:0\nadmin_users = /etc/fulcrum/users\n" + MINIMAL).daemon();
        assertThat(v6.adminListen()).contains(new InetSocketAddress("::1", 0));
        assertThat(v6.usersFile(Path.of("/etc/lvs.cf"))).isEqualTo(Path.of("/etc/fulcrum/users"));
        assertThat(parseOk("admin_listen = none\n" + MINIMAL).daemon().adminListen()).isEmpty();
        assertThat(parseOk("admin_listen = 127.0.0.2:8443\n" + MINIMAL).daemon().adminListen())
                .contains(new InetSocketAddress("127.0.0.2", 8443));
    }

    @Test
    void anApiOffLoopbackIsRefusedUntilThereIsTls() {
        assertThat(lines(parse("serial_no = 1\nadmin_listen = 0.0.0.0:3636\n" + MINIMAL)))
                .isEqualTo("test.cf:2: admin_listen: 0.0.0.0:3636 is not a loopback address: the API has no TLS yet,"
                        + " and its passwords must not cross a network in clear; use 127.0.0.1:PORT or [::1]:PORT"
                        + " (behind a TLS proxy for remote use), or none");
        assertThat(lines(parse("admin_listen = [2001:db8::1]:443\n" + MINIMAL)))
                .startsWith("test.cf:1: admin_listen: [2001:db8::1]:443 is not a loopback address");
        assertThat(lines(parse("admin_listen = 3636\n" + MINIMAL)))
                .isEqualTo("test.cf:1: admin_listen: expected ADDRESS:PORT, [IPv6]:PORT or none, got `3636`");
        assertThat(lines(parse("admin_listen = localhost:3636\n" + MINIMAL)))
                .isEqualTo("test.cf:1: admin_listen: must be an IP address, not `localhost`");
        assertThat(lines(parse("admin_listen = 127.0.0.1:70000\n" + MINIMAL))).startsWith("test.cf:1: admin_listen: ");
    }

    @Test
    void theApiKeysRoundTrip() {
        Config config = parseOk("admin_listen = [::1]:9000\nadmin_users = /etc/fulcrum/users\n" + MINIMAL);
        String written = LvsConfig.write(config);
        assertThat(written).contains("admin_listen = [::1]:9000").contains("admin_users = /etc/fulcrum/users");
        assertThat(parseOk(written)).isEqualTo(config);
        assertThat(LvsConfig.write(parseOk("admin_listen = none\n" + MINIMAL))).contains("admin_listen = none");
        assertThat(LvsConfig.write(parseOk(MINIMAL))).doesNotContain("admin_");
    }
}
