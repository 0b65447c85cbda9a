package io.fulcrum.health;

/** Where a real server stands with its health check. */
public enum HealthState {
    /**
     * Not checked yet. Not in the pool: nanny adds a real server only after its first good check, so
     * nothing is sent to a server nobody has seen answer.
     */
    UNKNOWN,
    /** In the pool, at its (possibly slow-starting) weight. */
    UP,
    /** Out of the pool: failed at start-up, or {@code fall} checks in a row. */
    DOWN,
    /** {@code quiesce_server}: failed, but kept in the pool at weight 0, so its open connections carry on. */
    QUIESCED;

    /** The tag nanny put in front of its log lines. */
    String tag() {
        return switch (this) {
            case UNKNOWN -> "[ unknown]";
            case UP -> "[ active ]";
            case DOWN -> "[inactive]";
            case QUIESCED -> "[quiesced]";
        };
    }
}
