package io.fulcrum.model;

import java.net.InetAddress;
import java.util.Objects;

/** The fallback server used while no real server of a virtual server is up (lvs.cf {@code sorry_server}). */
public record SorryServer(InetAddress address, int port) {
    public SorryServer {
        Objects.requireNonNull(address, "address");
        Checks.port(port, "sorry server port");
    }
}
