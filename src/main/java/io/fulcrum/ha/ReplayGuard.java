package io.fulcrum.ha;

/**
 * Replay protection for the heartbeats of one partner on one link: accepts only a strictly increasing
 * (bootId, sequence); a greater bootId (a restarted partner) starts its sequence again.
 *
 * <p>This relies on the bootId being the wall-clock milliseconds at the partner's start: a partner whose clock
 * was set back before it restarted is rejected until its new bootId passes the old one, so keep the routers'
 * clocks synchronised (NTP). Check only heartbeats whose MAC {@link HeartbeatCodec#decode} verified.
 *
 * <p>An unkeyed pair has no replay protection: anyone may forge any bootId, and a forged far-future one would
 * make every later real heartbeat look old and lock the partner out. So a guard for an unkeyed pair accepts
 * any change of bootId (in either direction) and rejects only a sequence that does not increase within one
 * run, which still drops duplicated and reordered datagrams.
 *
 * <p>Keep one guard per link: the same heartbeat may arrive on both, and either link may be the faster one.
 */
public final class ReplayGuard {

    private final boolean authenticated;
    private boolean seen;
    private long bootId;
    private long sequence;

    /** A guard for a keyed pair, whose heartbeats nobody without the key can forge. */
    public ReplayGuard() {
        this(true);
    }

    /** @param authenticated whether the pair has a heartbeat key (see the class comment for an unkeyed one) */
    public ReplayGuard(boolean authenticated) {
        this.authenticated = authenticated;
    }

    public synchronized void check(Heartbeat h) throws BadHeartbeat {
        boolean older = authenticated && h.bootId() < bootId;
        if (seen && (older || h.bootId() == bootId && h.sequence() <= sequence)) {
            throw new BadHeartbeat(BadHeartbeat.Reason.REPLAYED, "boot " + h.bootId() + " sequence " + h.sequence()
                    + " is not newer than boot " + bootId + " sequence " + sequence
                    + " (a replayed or reordered heartbeat, or the partner's clock went back across a restart)");
        }
        seen = true;
        bootId = h.bootId();
        sequence = h.sequence();
    }
}
