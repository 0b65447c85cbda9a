package io.fulcrum.health;

import java.util.Objects;

/**
 * The outcome of one check of one real server.
 *
 * @param up     whether the real server passed
 * @param reason what was seen, for the log line of a state change: "connected", "connection refused",
 *               "unexpected reply \"...\""
 */
public record ProbeResult(boolean up, String reason) {

    public ProbeResult {
        Objects.requireNonNull(reason, "reason");
    }

    public static ProbeResult up(String reason) {
        return new ProbeResult(true, reason);
    }

    public static ProbeResult down(String reason) {
        return new ProbeResult(false, reason);
    }
}
