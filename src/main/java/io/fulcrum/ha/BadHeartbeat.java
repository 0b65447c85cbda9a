package io.fulcrum.ha;

import java.util.Objects;

/** A datagram that is not a heartbeat this router may act on; the message says what is wrong and what to do. */
public final class BadHeartbeat extends Exception {

    public enum Reason {
        /** Shorter than a heartbeat of its kind. */
        TRUNCATED,
        /** Not a heartbeat: wrong magic, wrong length, unknown flags or field values. */
        NOT_A_HEARTBEAT,
        /** A heartbeat of a version this router does not speak. */
        WRONG_VERSION,
        /** One router has a heartbeat key and the other has none. */
        UNAUTHENTICATED,
        /** The MAC does not match: a different key, or an altered message. */
        BAD_MAC,
        /** Not newer than a heartbeat already accepted from the same partner. */
        REPLAYED
    }

    private final Reason reason;

    public BadHeartbeat(Reason reason, String message) {
        // No stack trace: this is a verdict on a datagram, thrown up to 100 times a second under a flood.
        super(reason + ": " + message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
