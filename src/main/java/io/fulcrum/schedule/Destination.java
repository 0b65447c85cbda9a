package io.fulcrum.schedule;

/**
 * A real server as a scheduler sees it (IPVS's "dest"). The weight is fixed for one
 * {@link Scheduler#prepare prepared} pool; the connection counters and the overload flag are
 * live and may change between two picks (the data path updates them as connections come and go).
 *
 * <p>Implementations must answer without blocking or allocating: these are read on the data path.
 */
public interface Destination {

    /** Current weight, >= 0. Weight 0 means quiesced: never picked for a new connection. */
    int weight();

    /**
     * The last non-zero weight this real server had (IPVS {@code last_weight}); Maglev uses it so
     * that a quiesced real server keeps its table slots. Equal to {@link #weight()} when that is
     * non-zero.
     */
    int lastWeight();

    /** IPVS {@code activeconns}: connections in an active TCP state. */
    int activeConnections();

    /** IPVS {@code inactconns}: connections in an inactive state (all UDP flows count here). */
    int inactiveConnections();

    /** The IPVS overload flag, set and cleared by the upper/lower connection thresholds. */
    boolean overloaded();

    /** The real server's address folded to 32 bits in host order, as {@link Flow#fold} does. */
    int addressFold();

    /** The real server's port (0 for a port-less fwmark real server). */
    int port();

    /** IPVS {@code ip_vs_dest_conn_overhead()}: active connections weigh 256 times inactive ones. */
    default long overhead() {
        return ((long) activeConnections() << 8) + inactiveConnections();
    }
}
