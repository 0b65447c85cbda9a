package io.fulcrum.health;

import io.fulcrum.model.RealServer;

import java.util.Objects;

/**
 * A change in a real server's health: its state, or its weight while slow-starting or after a reload.
 *
 * @param weight the weight to schedule with now (0 when out of the pool or quiesced)
 * @param reason what the check saw ("connection refused", "status 503, expected 200") or why the weight moved
 */
public record HealthEvent(String virtualServer, RealServer realServer, HealthState state, int weight, String reason) {

    public HealthEvent {
        Objects.requireNonNull(virtualServer, "virtualServer");
        Objects.requireNonNull(realServer, "realServer");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }
}
