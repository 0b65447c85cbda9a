package io.fulcrum.table;

import java.time.Duration;
import java.util.List;

/**
 * A forwarding engine (shared/design.md: proxy or nft): serves the virtual servers of the snapshots
 * it is given. Called from the control side only.
 */
public interface Engine extends AutoCloseable {

    /** The name shown in status listings, e.g. "proxy (epoll)". */
    String name();

    /**
     * Serves this snapshot from now on: opens what is new, closes listeners of virtual servers that
     * are gone (their connections drain), and leaves everything unchanged alone. Throws with a clear
     * message when a listener cannot be opened; what was serving before keeps serving.
     */
    void apply(TableSnapshot snapshot);

    /** The connections open now, for {@code fulcrum status -c}. */
    List<ConnectionView> connections();

    /**
     * Stops accepting new connections and waits up to {@code limit} for open ones to end; returns
     * how many were still open when the limit passed (they are then closed).
     */
    int drain(Duration limit);

    /** Closes everything at once. */
    @Override
    void close();
}
