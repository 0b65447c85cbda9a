package io.fulcrum.ha;

import java.util.Objects;

/**
 * One heartbeat: what a router tells its partner every {@code keepalive}.
 *
 * @param role              which of the pair the sender is
 * @param state             what the sender is doing
 * @param bootId            identifies the sender's run: the wall-clock milliseconds when its daemon started,
 *                          so that a restarted partner's heartbeats are newer than its previous run's
 *                          ({@link ReplayGuard} relies on that)
 * @param sequence          counts the sender's heartbeats within one run, from 0
 * @param configFingerprint a hash of the sender's configuration, so that a pair with different lvs.cf files is noticed
 * @param realServersUp     real servers the sender's health checks see up
 * @param realServersTotal  real servers the sender checks
 * @param publicLinkUp      whether the sender's public link is up
 * @param privateLinkUp     whether the sender's private link is up
 */
public record Heartbeat(
        RouterRole role,
        HaState state,
        long bootId,
        long sequence,
        long configFingerprint,
        int realServersUp,
        int realServersTotal,
        boolean publicLinkUp,
        boolean privateLinkUp) {

    public Heartbeat {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(state, "state");
        if (bootId < 0 || sequence < 0) {
            throw new IllegalArgumentException("bootId (" + bootId + ") and sequence (" + sequence
                    + ") must not be negative");
        }
        if (realServersUp < 0 || realServersUp > realServersTotal) {
            throw new IllegalArgumentException("realServersUp (" + realServersUp
                    + ") must be between 0 and realServersTotal (" + realServersTotal + ")");
        }
    }
}
