package io.fulcrum.admin.wire;

import java.util.Objects;

/**
 * One connection as {@code GET /v1/connections} serves it and {@code fulcrum status -c} lists it.
 *
 * @param protocol       {@code TCP}, {@code UDP} (or {@code IP} for a firewall-mark template)
 * @param expiresSeconds seconds left on the connection's timer
 * @param state          IPVS's state name: ESTABLISHED, FIN_WAIT, ..., UDP
 * @param client         the client's address and port, as ipvsadm prints them
 * @param virtual        the VIP and port the client reached
 * @param real           the real server it is forwarded to
 */
public record ConnectionEntry(String protocol, long expiresSeconds, String state, String client, String virtual,
                              String real) {

    public ConnectionEntry {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(virtual, "virtual");
        Objects.requireNonNull(real, "real");
    }
}
