package io.fulcrum.health;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * nanny's UDP check ({@code protocol = udp}): send one datagram, then one datagram must come back
 * within the timeout and pass {@code expect} (any datagram when there is none). An ICMP port
 * unreachable is a failure at once. Without {@code send} an empty datagram is sent: nanny sent nothing
 * and then waited for a reply that no server would send.
 */
public record UdpProbe(Optional<String> send, Expect expect, Duration timeout) implements Probe {

    public UdpProbe {
        Objects.requireNonNull(send, "send");
        Objects.requireNonNull(expect, "expect");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public ProbeResult check(InetSocketAddress target) {
        Deadline deadline = Deadline.after(timeout);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(target);
            byte[] payload = send.orElse("").getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(payload, payload.length));
            byte[] reply = new byte[Expect.REPLY_LIMIT];
            DatagramPacket packet = new DatagramPacket(reply, reply.length);
            socket.setSoTimeout(deadline.millisLeft());
            socket.receive(packet);
            return expect.judge(reply, packet.getLength(), true).orElseThrow();
        } catch (IOException e) {
            return ProbeResult.down(Replies.failure(e, timeout));
        }
    }
}
