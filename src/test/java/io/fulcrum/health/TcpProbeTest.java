package io.fulcrum.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TcpProbeTest {

    private static final Duration TIMEOUT = Duration.ofMillis(400);

    private static TcpProbe probe(String send, String expect, boolean regex) {
        return new TcpProbe(Optional.ofNullable(send), Expect.of(Optional.ofNullable(expect), regex), TIMEOUT);
    }

    @Test
    void connectAloneIsUp() throws Exception {
        try (TestServer server = TestServer.banner("")) {
            assertThat(probe(null, null, false).check(server.address())).isEqualTo(ProbeResult.up("connected"));
        }
    }

    @Test
    void refusedIsDown() {
        assertThat(probe(null, null, false).check(Ports.closedTcp()))
                .isEqualTo(ProbeResult.down("connection refused"));
    }

    @Test
    void expectIsAPrefixOfTheReply() throws Exception {
        try (TestServer server = TestServer.banner("220 mail.example.com ESMTP\r\n")) {
            ProbeResult result = probe(null, "220 ", false).check(server.address());
            assertThat(result.up()).isTrue();
            assertThat(result.reason()).startsWith("reply \"220 mail");
        }
    }

    @Test
    void wrongBannerIsDownWithTheReplyQuoted() throws Exception {
        try (TestServer server = TestServer.banner("500 go away\r\n")) {
            assertThat(probe(null, "220", false).check(server.address()))
                    .isEqualTo(ProbeResult.down("unexpected reply \"500 go away\\r\\n\""));
        }
    }

    @Test
    void replySplitAcrossTwoWritesStillPasses() throws Exception {
        try (TestServer server = TestServer.split("HT", Duration.ofMillis(80), "TP/1.0 200 OK\r\n\r\n")) {
            ProbeResult result = probe("GET / HTTP/1.0\r\n\r\n", "HTTP/1.0 200", false).check(server.address());
            assertThat(result.up()).as(result.reason()).isTrue();
        }
    }

    @Test
    void replyShorterThanExpectThenCloseIsDown() throws Exception {
        try (TestServer server = TestServer.start(client -> TestServer.write(client, "HT"))) {
            assertThat(probe(null, "HTTP", false).check(server.address()))
                    .isEqualTo(ProbeResult.down("short reply \"HT\""));
        }
    }

    @Test
    void slowServerTimesOut() throws Exception {
        try (TestServer server = TestServer.slow(Duration.ofSeconds(3), "HTTP")) {
            long start = System.nanoTime();
            ProbeResult result = probe(null, "HTTP", false).check(server.address());
            assertThat(result).isEqualTo(ProbeResult.down("timeout after 400 ms"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void resetIsDown() throws Exception {
        try (TestServer server = TestServer.resetting()) {
            ProbeResult result = probe(null, "HTTP", false).check(server.address());
            assertThat(result.up()).isFalse();
            assertThat(result.reason()).containsAnyOf("reset", "closed without", "short");
        }
    }

    @Test
    void starTakesAnyByteButNeedsOne() throws Exception {
        try (TestServer talking = TestServer.banner("x"); TestServer silent = TestServer.start(TestServer::drain)) {
            assertThat(probe(null, "*", false).check(talking.address()).up()).isTrue();
            assertThat(probe(null, "*", false).check(silent.address()))
                    .isEqualTo(ProbeResult.down("timeout after 400 ms"));
        }
    }

    @Test
    void sendReachesTheServer() throws Exception {
        try (TestServer server = TestServer.start(client -> {
            String line = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            TestServer.write(client, "PING".equals(line) ? "PONG\n" : "WHAT\n");
        })) {
            assertThat(probe("PING\n", "PONG", false).check(server.address()).up()).isTrue();
            assertThat(probe("PANG\n", "PONG", false).check(server.address()).up()).isFalse();
        }
    }

    @Test
    void regexSearchesWhatArrived() throws Exception {
        try (TestServer server = TestServer.split("HTTP/1.1 2", Duration.ofMillis(80), "04 No Content\r\n\r\n")) {
            assertThat(probe("GET / HTTP/1.1\r\n\r\n", "^HTTP/1\\.[01] 2[0-9][0-9] ", true).check(server.address()).up())
                    .isTrue();
        }
        try (TestServer server = TestServer.banner("HTTP/1.1 503 Busy\r\n\r\n")) {
            ProbeResult result = probe(null, "^HTTP/1\\.[01] 2[0-9][0-9] ", true).check(server.address());
            assertThat(result.up()).isFalse();
            assertThat(result.reason()).isEqualTo("timeout after 400 ms");
        }
        try (TestServer server = TestServer.start(client -> TestServer.write(client, "HTTP/1.1 503 Busy\r\n"))) {
            assertThat(probe(null, "200", true).check(server.address()))
                    .isEqualTo(ProbeResult.down("unexpected reply \"HTTP/1.1 503 Busy\\r\\n\""));
        }
    }
}
