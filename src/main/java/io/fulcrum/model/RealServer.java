package io.fulcrum.model;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A real server of a virtual server (lvs.cf {@code server NAME { }}).
 *
 * @param port       resolved: the virtual server's port when the block has none
 * @param uThreshold connections at which the server counts as overloaded; 0 = off
 * @param lThreshold connections below which an overloaded server is usable again; 0 = 3/4 of u
 */
public record RealServer(String name, InetAddress address, boolean active, int weight, int port,
                         int uThreshold, int lThreshold) {

    public static final int MAX_WEIGHT = 65535;
    public static final int DEFAULT_WEIGHT = 1;

    public RealServer {
        Checks.name(name, "real server name");
        Objects.requireNonNull(address, "address");
        Checks.inRange(weight, 0, MAX_WEIGHT, "weight");
        Checks.port(port, "port");
        Checks.inRange(uThreshold, 0, 65535, "u_threshold");
        Checks.inRange(lThreshold, 0, 65535, "l_threshold");
    }

    /** {@code 192.168.1.10:80} or {@code [2001:db8::10]:80}. */
    public String endpoint() {
        return AddressText.withPort(address, port);
    }
}
