package io.fulcrum.config;

/** A value a key cannot take; the message is the detail after {@code key: }. */
final class BadValue extends Exception {

    BadValue(String detail) {
        super(detail, null, false, false);
    }
}
