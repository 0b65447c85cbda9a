package io.fulcrum.config;

import io.fulcrum.model.CheckType;
import io.fulcrum.model.Config;
import io.fulcrum.model.Forwarding;
import io.fulcrum.model.LoadMonitor;
import io.fulcrum.model.NatRouter;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.SchedulerKind;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.model.ServiceMode;
import io.fulcrum.model.SorryServer;
import io.fulcrum.model.VirtualServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The example of piranha.md 1.5, which exercises every LVS key, read with Piranha's meaning. */
class PiranhaExampleTest {

    private final ConfigResult result = LvsConfig.parse("piranha-example.lvs.cf",
            ConfigTexts.resource("piranha-example.lvs.cf"));
    private final Config config = result.config().orElseThrow();

    @Test
    void parsesWithoutErrorsAndWarnsOnlyAboutWhatFulcrumDoesNotDo() {
        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).extracting(Object::toString).containsExactly(
                "piranha-example.lvs.cf:20: warning: syncdaemon: " + WarningsTest.SYNCDAEMON,
                "piranha-example.lvs.cf:36: warning: fwmark: 80: the proxy engine cannot see marks and listens on"
                        + " the fwmark_ports, but none are given: nothing listens for virtual www",
                "piranha-example.lvs.cf:48: warning: load_monitor: uptime: dynamic weights are not implemented yet;"
                        + " weights stay as configured");
    }

    @Test
    void globals() throws Exception {
        assertThat(config.serialNo()).isEqualTo(42);
        assertThat(config.service()).isEqualTo(ServiceMode.LVS);
        assertThat(config.routerPair().primary()).contains(InetAddress.getByName("203.0.113.10"));
        assertThat(config.routerPair().primaryPrivate()).contains(InetAddress.getByName("10.255.0.1"));
        assertThat(config.routerPair().backupActive()).isTrue();
        assertThat(config.routerPair().backup()).contains(InetAddress.getByName("203.0.113.11"));
        assertThat(config.routerPair().heartbeatPort()).isEqualTo(539);
        assertThat(config.routerPair().keepalive()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.routerPair().deadtime()).isEqualTo(Duration.ofSeconds(6));
        assertThat(config.routerPair().monitorLinks()).isTrue();
        assertThat(config.routerPair().activeCmd()).contains("/usr/local/sbin/lb-now-active");
        assertThat(config.network()).isEqualTo(Forwarding.NAT);
        assertThat(config.natRouter()).contains(
                new NatRouter(InetAddress.getByName("192.168.50.254"), "eth1:1", OptionalInt.of(24)));
        assertThat(config.timeouts().tcp()).isEqualTo(Duration.ofSeconds(900));
        assertThat(config.timeouts().tcpFin()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.timeouts().udp()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.legacy().rshCommand()).isEqualTo("ssh");
        assertThat(config.legacy().syncdaemon()).isTrue();
        assertThat(config.legacy().syncdIface()).isEqualTo("eth2");
        assertThat(config.legacy().syncdId()).isEqualTo(7);
        assertThat(config.legacy().hardShutdown()).isFalse();
    }

    @Test
    void firewallMarkServiceWithPersistence() throws Exception {
        VirtualServer www = config.virtualServer("www").orElseThrow();
        assertThat(www.key()).isEqualTo(new ServiceKey.Fwmark(80, false));
        assertThat(www.key().label()).isEqualTo("FWM  80");
        assertThat(www.device()).contains("eth0:1");
        assertThat(www.vipPrefix()).hasValue(24);
        assertThat(www.scheduler()).isEqualTo(SchedulerKind.WLC);
        assertThat(www.persistence().timeoutSeconds()).isEqualTo(600);
        assertThat(www.persistence().prefixLength()).hasValue(24);
        assertThat(www.sorryServer()).contains(new SorryServer(InetAddress.getByName("192.168.50.200"), 80));
        assertThat(www.health().send()).contains("GET /healthz HTTP/1.0\r\n\r\n");
        assertThat(www.health().expect()).contains("^HTTP/1.[01] 200");
        assertThat(www.health().useRegex()).isTrue();
        assertThat(www.health().timeoutSeconds()).isEqualTo(6);
        assertThat(www.health().reentrySeconds()).isEqualTo(30);
        assertThat(www.health().rise()).isEqualTo(5);
        assertThat(www.health().interval()).isEqualTo(Duration.ofSeconds(6));
        assertThat(www.health().quiesceServer()).isTrue();
        assertThat(www.health().loadMonitor()).isEqualTo(LoadMonitor.UPTIME);
        assertThat(www.realServers()).extracting(RealServer::name, RealServer::active, RealServer::weight,
                        RealServer::port)
                .containsExactly(
                        tuple("web1", true, 30, 80),
                        tuple("web2", true, 10, 80),
                        tuple("web3", false, 10, 80));
    }

    @Test
    void portMappingAndDefaults() throws Exception {
        VirtualServer smtp = config.virtualServer("smtp").orElseThrow();
        assertThat(smtp.key().label()).isEqualTo("TCP  203.0.113.100:25");
        assertThat(smtp.scheduler()).isEqualTo(SchedulerKind.WRR);
        assertThat(smtp.health().type()).isEqualTo(CheckType.TCP);
        assertThat(smtp.health().send()).contains("QUIT\r\n");
        assertThat(smtp.realServers()).extracting(RealServer::endpoint)
                .containsExactly("192.168.50.21:2525", "192.168.50.22:2525");
        assertThat(smtp.sorryServer()).isEmpty();
        assertThat(smtp.persistence().isPersistent()).isFalse();
    }

    @Test
    void externalProgramCheckOnUdp() {
        VirtualServer dns = config.virtualServer("dns").orElseThrow();
        assertThat(dns.protocol()).isEqualTo(Protocol.UDP);
        assertThat(dns.key().label()).isEqualTo("UDP  203.0.113.101:53");
        assertThat(dns.health().type()).isEqualTo(CheckType.PROGRAM);
        assertThat(dns.health().sendProgram()).contains("/usr/local/libexec/check-dns %h %p");
        assertThat(dns.health().expect()).contains("OK");
        assertThat(dns.realServers()).extracting(RealServer::weight, RealServer::port)
                .containsExactly(tuple(1, 53), tuple(1, 53));
        assertThat(dns.device()).isEqualTo(Optional.of("eth0:2"));
        assertThat(config.virtualServers()).extracting(VirtualServer::name).isEqualTo(List.of("www", "smtp", "dns"));
    }
}
