package io.fulcrum.table;

import io.fulcrum.model.Protocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One connection as {@code ipvsadm -L -n -c} shows it.
 *
 * @param state   IPVS's state name: ESTABLISHED, FIN_WAIT, CLOSE_WAIT, SYN_SENT, ... (UDP for UDP)
 * @param expires time left before the idle (or half-closed) timeout closes it
 * @param virtual the VIP and port the client connected to
 * @param real    the real server it is forwarded to
 */
public record ConnectionView(Protocol protocol, String state, Duration expires, InetSocketAddress client,
                             InetSocketAddress virtual, InetSocketAddress real) {

    public ConnectionView {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(virtual, "virtual");
        Objects.requireNonNull(real, "real");
    }
}
