package io.fulcrum.table;

import io.fulcrum.model.RealServer;
import io.fulcrum.schedule.Destination;
import io.fulcrum.schedule.Flow;
import java.util.Objects;

/**
 * A real server of one virtual server in the table (an IPVS dest): its configuration, the weight in
 * force (configured, slow-started, or 0 when quiesced) and its live counters.
 *
 * <p>Like the kernel's dest, one object stands for the real server for as long as it stays in the
 * table (its address and port identify it), across snapshots and reloads: the schedulers keep
 * per-destination state (the rr cursor, lblc's cache) by identity. Its settings are written only
 * by {@link VirtualServerTable}, on the control side, before it re-prepares the scheduler.
 */
public final class PoolMember implements Destination {

    private final RealServerCounters counters;
    private final int addressFold;
    private volatile RealServer realServer;
    private volatile int weight;
    private volatile int lastWeight;

    PoolMember(RealServer realServer, RealServerCounters counters) {
        this.realServer = Objects.requireNonNull(realServer, "realServer");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.addressFold = Flow.fold(realServer.address());
        this.weight = realServer.weight();
        this.lastWeight = realServer.weight();
    }

    /** The configuration; its weight is the configured one, {@link #weight()} the one in force. */
    public RealServer realServer() {
        return realServer;
    }

    public RealServerCounters counters() {
        return counters;
    }

    void reconfigure(RealServer config) {
        if (!config.address().equals(realServer.address()) || config.port() != realServer.port()) {
            throw new IllegalArgumentException(config.endpoint() + " is another real server than " + realServer.endpoint());
        }
        counters.thresholdsEdited(realServer.uThreshold(), config.uThreshold());
        realServer = config;
    }

    void weight(int newWeight) {
        if (newWeight < 0) {
            throw new IllegalArgumentException("negative weight for " + realServer.endpoint());
        }
        weight = newWeight;
        if (newWeight > 0) {
            lastWeight = newWeight;
        }
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int lastWeight() {
        return lastWeight;
    }

    @Override
    public int activeConnections() {
        return counters.activeConnections();
    }

    @Override
    public int inactiveConnections() {
        return counters.inactiveConnections();
    }

    @Override
    public boolean overloaded() {
        return counters.overloaded();
    }

    @Override
    public int addressFold() {
        return addressFold;
    }

    @Override
    public int port() {
        return realServer.port();
    }

    /** Binds a new connection here, under the thresholds in force; true when that raised the overload flag. */
    public boolean bind(boolean activeState) {
        return counters.bind(activeState, realServer.uThreshold());
    }

    /** Takes back a bind whose connection never reached the real server. */
    public void withdraw(boolean activeState, boolean raisedOverload) {
        counters.withdraw(activeState, realServer.uThreshold(), raisedOverload);
    }

    public void unbind(boolean activeState) {
        RealServer config = realServer;
        counters.unbind(activeState, config.uThreshold(), config.lThreshold());
    }

    @Override
    public String toString() {
        return realServer.endpoint() + " weight " + weight;
    }
}
