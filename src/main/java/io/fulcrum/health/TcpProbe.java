package io.fulcrum.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * nanny's built-in check: connect; write {@code send} if set; then, if an {@code expect} is set, read
 * until the reply is judged. Without expect the connect (and send) is the whole check.
 *
 * @param send    bytes to write after connecting (lvs.cf escapes already translated), sent as UTF-8
 * @param expect  what the reply must look like
 * @param timeout the whole check, connect included, must finish within it
 */
public record TcpProbe(Optional<String> send, Expect expect, Duration timeout) implements Probe {

    public TcpProbe {
        Objects.requireNonNull(send, "send");
        Objects.requireNonNull(expect, "expect");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public ProbeResult check(InetSocketAddress target) {
        Deadline deadline = Deadline.after(timeout);
        try (Socket socket = Exchange.connect(target, deadline)) {
            if (send.isPresent()) {
                socket.getOutputStream().write(send.get().getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            }
            if (expect instanceof Expect.Nothing) {
                return ProbeResult.up(send.isPresent() ? "connected and sent" : "connected");
            }
            return Exchange.read(socket, deadline, expect::judge);
        } catch (IOException e) {
            return ProbeResult.down(Replies.failure(e, timeout));
        }
    }
}
