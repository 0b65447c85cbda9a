package io.fulcrum.admin.wire;

import java.util.Objects;

/**
 * The health check of one real server of one virtual server.
 *
 * @param virtualServer    the virtual server's lvs.cf name
 * @param realServer       the real server's lvs.cf name
 * @param endpoint         the real server's address and port as ipvsadm prints them
 * @param state            {@code unknown} (not checked yet), {@code up}, {@code down} or {@code quiesced}
 * @param lastCheckSeconds how long the last check took; null before the first one ended
 */
public record HealthCheckStatus(String virtualServer, String realServer, String endpoint, String state,
                                Double lastCheckSeconds) {

    public HealthCheckStatus {
        Objects.requireNonNull(virtualServer, "virtualServer");
        Objects.requireNonNull(realServer, "realServer");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(state, "state");
    }
}
