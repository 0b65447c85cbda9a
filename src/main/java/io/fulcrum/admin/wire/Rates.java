package io.fulcrum.admin.wire;

/**
 * Per-second estimates (IPVS's 2-second sampling with exponential smoothing), as
 * {@code ipvsadm -L --rate} shows them. Packet rates are 0 for the same reason as in {@link Stats}.
 *
 * @param cps   connections per second
 * @param inBps bytes per second from clients
 */
public record Rates(long cps, long inPps, long outPps, long inBps, long outBps) {

    public static final Rates ZERO = new Rates(0, 0, 0, 0, 0);

    public Rates plus(Rates other) {
        return new Rates(cps + other.cps, inPps + other.inPps, outPps + other.outPps,
                inBps + other.inBps, outBps + other.outBps);
    }
}
