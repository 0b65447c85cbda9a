package io.fulcrum.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.StatusRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpProbeTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);
    /** The first TLS handshake of a JVM (providers, keys) took more than 800 ms on a loaded 2-core host. */
    private static final Duration TLS_TIMEOUT = Duration.ofSeconds(10);
    private static final List<StatusRange> OK = List.of(new StatusRange(200, 299), new StatusRange(301, 301));

    private static HttpProbe probe(boolean https, String path, Optional<String> host) {
        return new HttpProbe(https, path, host, OK, https ? TLS_TIMEOUT : TIMEOUT);
    }

    @Test
    void statusInTheListIsUp() throws Exception {
        try (HttpTestServer server = HttpTestServer.http()) {
            assertThat(probe(false, "/status/204", Optional.empty()).check(server.address()))
                    .isEqualTo(ProbeResult.up("status 204"));
            assertThat(probe(false, "/status/301", Optional.empty()).check(server.address()).up()).isTrue();
        }
    }

    @Test
    void statusOutsideTheListIsDown() throws Exception {
        try (HttpTestServer server = HttpTestServer.http()) {
            assertThat(probe(false, "/status/503", Optional.empty()).check(server.address()))
                    .isEqualTo(ProbeResult.down("status 503, expected 200-299,301"));
            assertThat(probe(false, "/status/302", Optional.empty()).check(server.address()).up()).isFalse();
        }
    }

    @Test
    void hostHeaderIsTheAddressOrTheConfiguredName() throws Exception {
        try (HttpTestServer server = HttpTestServer.http()) {
            int port = server.address().getPort();
            probe(false, "/status/200", Optional.empty()).check(server.address());
            probe(false, "/status/200", Optional.of("www.example.com")).check(server.address());
            assertThat(server.hosts()).containsExactly("127.0.0.1:" + port, "www.example.com:" + port);
        }
    }

    @Test
    void notHttpIsDown() throws Exception {
        try (TestServer server = TestServer.banner("SSH-2.0-OpenSSH_9.6\r\n")) {
            assertThat(probe(false, "/", Optional.empty()).check(server.address()))
                    .isEqualTo(ProbeResult.down("unexpected reply \"SSH-2.0-OpenSSH_9.6\\r\""));
        }
    }

    @Test
    void refusedIsDown() {
        assertThat(probe(false, "/", Optional.empty()).check(Ports.closedTcp()))
                .isEqualTo(ProbeResult.down("connection refused"));
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (TestServer server = TestServer.start(TestServer::drain)) {
            assertThat(probe(false, "/", Optional.empty()).check(server.address()))
                    .isEqualTo(ProbeResult.down("timeout after 800 ms"));
        }
    }

    @Test
    void httpsTrustsASelfSignedCertificate(@TempDir Path directory) throws Exception {
        try (HttpTestServer server = HttpTestServer.https(directory)) {
            assertThat(probe(true, "/status/200", Optional.of("www.example.com")).check(server.address()))
                    .isEqualTo(ProbeResult.up("status 200"));
            assertThat(probe(true, "/status/500", Optional.empty()).check(server.address()))
                    .isEqualTo(ProbeResult.down("status 500, expected 200-299,301"));
        }
    }

    @Test
    void httpsAgainstPlainHttpIsDown() throws Exception {
        try (HttpTestServer server = HttpTestServer.http()) {
            assertThat(probe(true, "/status/200", Optional.empty()).check(server.address()).up()).isFalse();
        }
    }
}
