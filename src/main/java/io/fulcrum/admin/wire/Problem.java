package io.fulcrum.admin.wire;

import java.util.Objects;

/** The body of every error answer of the control channel (404, 405, 403, 500). */
public record Problem(String error) {

    public Problem {
        Objects.requireNonNull(error, "error");
    }
}
