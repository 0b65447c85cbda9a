package io.fulcrum.table;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * IPVS's per-dest accounting for one real server of one virtual server (the same address in two
 * virtual servers has two of these). Shared by every snapshot in which the real server is
 * unchanged, so a reload keeps the counts; written by the data path from any event loop.
 *
 * <p>The overload flag follows ipvs.md 0.4 exactly: set when a bound connection brings the total
 * to the upper threshold, cleared when an unbound one brings it below the lower threshold (or 3/4
 * of the upper one when no lower threshold is set), so it has IPVS's hysteresis.
 */
public final class RealServerCounters {

    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger inactive = new AtomicInteger();
    private final LongAdder connections = new LongAdder();
    private final LongAdder inBytes = new LongAdder();
    private final LongAdder outBytes = new LongAdder();
    private volatile boolean overloaded;

    /**
     * A new connection is bound here: active for TCP (it starts in SYN_RECV), inactive for UDP.
     * Returns whether this bind raised the overload flag, for {@link #withdraw}.
     */
    public boolean bind(boolean activeState, int uThreshold) {
        (activeState ? active : inactive).incrementAndGet();
        connections.increment();
        if (uThreshold != 0 && total() >= uThreshold && !overloaded) {
            overloaded = true;
            return true;
        }
        return false;
    }

    /**
     * A bound connection never reached the real server (its connect failed and it is retried
     * elsewhere): it is taken back as if it had never been bound, from Conns too, and an overload
     * flag it raised is lowered again unless the others still reach the upper threshold.
     */
    public void withdraw(boolean activeState, int uThreshold, boolean raisedOverload) {
        (activeState ? active : inactive).decrementAndGet();
        connections.decrement();
        if (raisedOverload && total() < uThreshold) {
            overloaded = false;
        }
    }

    /** A connection left an active state (a FIN was seen): it now counts as inactive. */
    public void deactivate() {
        active.decrementAndGet();
        inactive.incrementAndGet();
    }

    /** A connection ended; {@code activeState} is the state it was counted in. */
    public void unbind(boolean activeState, int uThreshold, int lThreshold) {
        (activeState ? active : inactive).decrementAndGet();
        int total = total();
        if (lThreshold != 0) {
            if (total < lThreshold) {
                overloaded = false;
            }
        } else if (uThreshold != 0) {
            if ((long) total * 4 < (long) uThreshold * 3) {
                overloaded = false;
            }
        } else {
            overloaded = false;
        }
    }

    /** IPVS clears the flag at once when the upper threshold is removed or raised. */
    void thresholdsEdited(int oldUpper, int newUpper) {
        if (newUpper == 0 || newUpper > oldUpper) {
            overloaded = false;
        }
    }

    public void addInBytes(long bytes) {
        inBytes.add(bytes);
    }

    public void addOutBytes(long bytes) {
        outBytes.add(bytes);
    }

    public int activeConnections() {
        return active.get();
    }

    public int inactiveConnections() {
        return inactive.get();
    }

    /** Connections bound here since the real server was added (ipvsadm's Conns). */
    public long connections() {
        return connections.sum();
    }

    public long inBytes() {
        return inBytes.sum();
    }

    public long outBytes() {
        return outBytes.sum();
    }

    public boolean overloaded() {
        return overloaded;
    }

    private int total() {
        return active.get() + inactive.get();
    }
}
