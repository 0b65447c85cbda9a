package io.fulcrum.admin;

/** The control channel could not be used; the message is for the operator, as is. */
public final class ControlException extends Exception {

    public ControlException(String message) {
        super(message);
    }

    public ControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
