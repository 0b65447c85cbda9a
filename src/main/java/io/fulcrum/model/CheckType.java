package io.fulcrum.model;

import java.util.Arrays;
import java.util.Optional;

/** The health check run against each real server (lvs.cf extension {@code check}). */
public enum CheckType {
    /** nanny's check: connect, then the optional send/expect exchange. */
    TCP("tcp"),
    HTTP("http"),
    HTTPS("https"),
    /** nanny's {@code send_program}. */
    PROGRAM("program"),
    /** No check: an active real server is always up. */
    NONE("none");

    private final String lvsName;

    CheckType(String lvsName) {
        this.lvsName = lvsName;
    }

    public String lvsName() {
        return lvsName;
    }

    public static Optional<CheckType> byLvsName(String name) {
        return Arrays.stream(values()).filter(t -> t.lvsName.equals(name)).findFirst();
    }
}
