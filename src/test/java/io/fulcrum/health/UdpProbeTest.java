package io.fulcrum.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UdpProbeTest {

    private static final Duration TIMEOUT = Duration.ofMillis(400);

    private DatagramSocket server;

    /** Answers "PONG" to "PING" and stays silent otherwise. */
    @BeforeEach
    void startServer() throws SocketException {
        server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[512];
            while (!server.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    server.receive(packet);
                    String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                    if (text.equals("PING")) {
                        byte[] reply = "PONG 1".getBytes(StandardCharsets.UTF_8);
                        server.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                    }
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private InetSocketAddress address() {
        return new InetSocketAddress(server.getLocalAddress(), server.getLocalPort());
    }

    private static UdpProbe probe(String send, String expect) {
        return new UdpProbe(Optional.ofNullable(send), Expect.of(Optional.ofNullable(expect), false), TIMEOUT);
    }

    @Test
    void matchingDatagramIsUp() {
        assertThat(probe("PING", "PONG").check(address())).isEqualTo(ProbeResult.up("reply \"PONG 1\""));
        assertThat(probe("PING", null).check(address()).up()).isTrue();
    }

    @Test
    void wrongDatagramIsDown() {
        assertThat(probe("PING", "PANG").check(address()))
                .isEqualTo(ProbeResult.down("unexpected reply \"PONG 1\""));
    }

    @Test
    void noReplyTimesOut() {
        assertThat(probe("HELLO", "PONG").check(address())).isEqualTo(ProbeResult.down("timeout after 400 ms"));
    }

    @Test
    void closedPortIsDown() {
        ProbeResult result = probe("PING", "PONG").check(Ports.closedUdp());
        assertThat(result.up()).isFalse();
        assertThat(result.reason()).isIn("port unreachable", "timeout after 400 ms");
    }
}
