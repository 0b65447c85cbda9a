package io.fulcrum.admin.wire;

/**
 * Counters since the real server joined the table, as {@code ipvsadm -L --stats} shows them.
 * The user-space proxy relays streams, not packets: it reports 0 packets, as IPVS reports 0 out
 * bytes for direct routing. The fields stay so that an engine that sees packets can fill them.
 *
 * @param conns connections scheduled here
 */
public record Stats(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {

    public static final Stats ZERO = new Stats(0, 0, 0, 0, 0);

    public Stats plus(Stats other) {
        return new Stats(conns + other.conns, inPkts + other.inPkts, outPkts + other.outPkts,
                inBytes + other.inBytes, outBytes + other.outBytes);
    }
}
