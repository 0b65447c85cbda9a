package io.fulcrum.ha;

/**
 * One heartbeat: who sends it, what it is doing, and enough of its state for the partner to
 * report a configuration mismatch or an unhealthy pool.
 */
public record Heartbeat(RouterRole role, HaState state, long bootId, long sequence, long configFingerprint,
        int realServersUp, int realServersTotal, boolean publicLinkUp, boolean privateLinkUp) {}
