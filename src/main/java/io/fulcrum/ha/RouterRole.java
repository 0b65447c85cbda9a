package io.fulcrum.ha;

/** Which of the pair a router is, as lvs.cf's {@code primary} and {@code backup} addresses make it. */
public enum RouterRole {
    PRIMARY,
    BACKUP
}
