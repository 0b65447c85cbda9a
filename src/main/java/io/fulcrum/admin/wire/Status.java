package io.fulcrum.admin.wire;

import java.util.List;
import java.util.Objects;

/**
 * The running table as {@code GET /v1/status} serves it, and what {@code fulcrum status} renders in
 * ipvsadm's layouts.
 *
 * @param version        the daemon's version
 * @param engine         the engine serving the table, e.g. {@code proxy (epoll)}
 * @param virtualServers the virtual servers in the table, in lvs.cf order
 * @param pair           this router's place in the pair, or null when the source has none
 * @param health         the running health checks, in lvs.cf order (empty from a daemon that sends none)
 */
public record Status(String version, String engine, List<VirtualServerStatus> virtualServers, PairStatus pair,
                     List<HealthCheckStatus> health) {

    public Status {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(engine, "engine");
        virtualServers = List.copyOf(virtualServers);
        health = health == null ? List.of() : List.copyOf(health);
    }

    /** A table without health checks. */
    public Status(String version, String engine, List<VirtualServerStatus> virtualServers, PairStatus pair) {
        this(version, engine, virtualServers, pair, List.of());
    }
}
