package io.fulcrum.ha;

/**
 * What a router tells its partner it is doing. The ordinal is the value on the wire: keep this order
 * and add new states only at the end, with a new heartbeat version.
 */
public enum HaState {
    /** Healthy and not serving: ready to take the virtual servers over. */
    STANDBY,
    /** Owns the virtual addresses and serves the virtual servers. */
    ACTIVE,
    /** Cannot serve (a monitored link is down, say): it will not take over, and gives up the active role. */
    FAULT,
    /** Shutting down cleanly: the partner takes over now instead of waiting for {@code deadtime}. */
    LEAVING
}
