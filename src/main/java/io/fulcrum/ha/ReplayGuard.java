package io.fulcrum.ha;

/**
 * Replay protection for the heartbeats of one partner on one link: accepts only a strictly increasing
 * (bootId, sequence); a greater bootId (a restarted partner) starts its sequence again.
 *
 * <p>This relies on the bootId being the wall-clock milliseconds at the partner's start: a partner whose clock
 * was set back before it restarted is rejected until its new bootId passes the old one, so keep the routers'
 * clocks synchronised (NTP). Check only heartbeats whose MAC {@link HeartbeatCodec#decode} verified: an unkeyed
 * pair has no replay protection, since anyone may forge a far-future bootId.
 *
 * <p>Keep one guard per link: the same heartbeat may arrive on both, and either link may be the faster one.
 */
public final class ReplayGuard {

    private boolean seen;
    private long bootId;
    private long sequence;

    public synchronized void check(Heartbeat h) throws BadHeartbeat {
        if (seen && (h.bootId() < bootId || h.bootId() == bootId && h.sequence() <= sequence)) {
            throw new BadHeartbeat(BadHeartbeat.Reason.REPLAYED, "boot " + h.bootId() + " sequence " + h.sequence()
                    + " is not newer than boot " + bootId + " sequence " + sequence
                    + " (a replayed or reordered heartbeat, or the partner's clock went back across a restart)");
        }
        seen = true;
        bootId = h.bootId();
        sequence = h.sequence();
    }
}
