package io.fulcrum.ha;

/** What a router tells its partner it is doing. */
public enum HaState {
    /** Watching the partner, holding no floating address. */
    STANDBY,
    /** Holding the floating addresses and serving. */
    ACTIVE,
    /** A local link is down ({@code monitor_links}): will not serve until it is back. */
    FAULT,
    /** Stopping (SIGTERM): the partner should take over at once. */
    LEAVING
}
