package io.fulcrum.health;

import static io.fulcrum.health.TestConfigs.check;
import static io.fulcrum.health.TestConfigs.virtual;
import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.CheckType;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.StatusRange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbesTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @Test
    void port80WithoutSendOrExpectGetsTheHttpProbe() {
        assertThat(Probes.of(virtual("www", 80, Protocol.TCP, check(CheckType.TCP, null, null, false, null))))
                .isEqualTo(new TcpProbe(Optional.of("GET / HTTP/1.0\r\n\r\n"), new Expect.Prefix("HTTP"), TEN_SECONDS));
    }

    @Test
    void port80DefaultAnswersARealWebServer() throws Exception {
        try (HttpTestServer server = HttpTestServer.http()) {
            Probe probe = Probes.of(virtual("www", 80, Protocol.TCP, check(CheckType.TCP, null, null, false, null)));
            assertThat(probe.check(server.address()).up()).isTrue();
        }
        try (TestServer ssh = TestServer.banner("SSH-2.0-OpenSSH\r\n")) {
            Probe probe = Probes.of(virtual("www", 80, Protocol.TCP, check(CheckType.TCP, null, null, false, null)));
            assertThat(probe.check(ssh.address()).up()).isFalse();
        }
    }

    @Test
    void anySendOrExpectOrOtherPortTurnsTheDefaultOff() {
        assertThat(Probes.of(virtual("www", 80, Protocol.TCP, check(CheckType.TCP, null, "220", false, null))))
                .isEqualTo(new TcpProbe(Optional.empty(), new Expect.Prefix("220"), TEN_SECONDS));
        assertThat(Probes.of(virtual("www", 80, Protocol.TCP, check(CheckType.TCP, "QUIT\r\n", null, false, null))))
                .isEqualTo(new TcpProbe(Optional.of("QUIT\r\n"), new Expect.Nothing(), TEN_SECONDS));
        assertThat(Probes.of(virtual("ftp", 21, Protocol.TCP, check(CheckType.TCP, null, null, false, null))))
                .isEqualTo(new TcpProbe(Optional.empty(), new Expect.Nothing(), TEN_SECONDS));
    }

    @Test
    void expectKinds() {
        assertThat(Expect.of(Optional.of("*"), false)).isEqualTo(new Expect.AnyByte());
        assertThat(Expect.of(Optional.of("HTTP.*"), true)).isInstanceOf(Expect.Regex.class);
        assertThat(Expect.of(Optional.empty(), true)).isEqualTo(new Expect.Nothing());
    }

    @Test
    void udpServiceGetsTheUdpProbe() {
        assertThat(Probes.of(virtual("dns", 53, Protocol.UDP, check(CheckType.TCP, "q", "a", false, null))))
                .isEqualTo(new UdpProbe(Optional.of("q"), new Expect.Prefix("a"), TEN_SECONDS));
    }

    @Test
    void otherTypes() {
        assertThat(Probes.of(virtual("dns", 53, Protocol.UDP, check(CheckType.PROGRAM, null, "OK", false, "/bin/dig %h"))))
                .isEqualTo(new ProgramProbe("/bin/dig %h", Optional.of("OK"), TEN_SECONDS));
        assertThat(Probes.of(virtual("web", 443, Protocol.TCP, check(CheckType.HTTPS, null, null, false, null))))
                .isEqualTo(new HttpProbe(true, "/", Optional.empty(), List.of(StatusRange.OK),
                        TEN_SECONDS));
        assertThat(Probes.of(virtual("any", 80, Protocol.TCP, check(CheckType.NONE, null, null, false, null))))
                .isEqualTo(new NoProbe());
    }

    @Test
    void targetIsTheCheckPortOrTheRealServersPort() {
        RealServer real = TestConfigs.real("r1", new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080), 1);
        var plain = check(CheckType.TCP, null, null, false, null);
        assertThat(Probes.target(virtual("www", 80, Protocol.TCP, plain, real), real).getPort()).isEqualTo(8080);
        assertThat(Probes.target(virtual("www", 80, Protocol.TCP, TestConfigs.checkPort(plain, 9000), real), real)
                .getPort()).isEqualTo(9000);
    }
}
