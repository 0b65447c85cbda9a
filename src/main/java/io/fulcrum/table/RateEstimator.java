package io.fulcrum.table;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * IPVS's rate estimator (ip_vs_est.c) for every real server in the table: every 2 seconds the
 * counters are sampled and each rate is smoothed as {@code avg += (rate - avg) / 4}, in the
 * kernel's fixed point (connections scaled by 2^10, bytes by 2^5) and with its rounding on read.
 * A rate is measured over the time that really passed since the last tick, so a late tick does
 * not inflate it. A real server's first sample only sets its baseline, as when IPVS starts an
 * estimator on a new dest.
 *
 * <p>{@link #tick} runs on one control thread; {@link #rates} may be read from any thread.
 */
public final class RateEstimator {

    /** The interval IPVS samples at; the daemon calls {@link #tick} this often. */
    public static final long INTERVAL_NANOS = 2_000_000_000L;

    private static final double NANOS_PER_SECOND = 1e9;
    private static final int CONNECTION_SCALE = 10;
    private static final int BYTE_SCALE = 5;

    /** Per-second rates of one real server, as ipvsadm's {@code --rate} shows them. */
    public record Rates(long cps, long inBps, long outBps) {
        public static final Rates ZERO = new Rates(0, 0, 0);
    }

    /** The last sample and the smoothed, scaled averages. */
    private record Estimate(long connections, long inBytes, long outBytes, long cps, long inBps, long outBps) {

        static Estimate baseline(RealServerCounters counters) {
            return new Estimate(counters.connections(), counters.inBytes(), counters.outBytes(), 0, 0, 0);
        }

        Estimate next(RealServerCounters counters, long elapsedNanos) {
            long conns = counters.connections();
            long in = counters.inBytes();
            long out = counters.outBytes();
            return new Estimate(conns, in, out,
                    smooth(cps, scaledRate(conns - connections, CONNECTION_SCALE, elapsedNanos)),
                    smooth(inBps, scaledRate(in - inBytes, BYTE_SCALE, elapsedNanos)),
                    smooth(outBps, scaledRate(out - outBytes, BYTE_SCALE, elapsedNanos)));
        }

        Rates read() {
            return new Rates((cps + 0x1FF) >> CONNECTION_SCALE, (inBps + 0xF) >> BYTE_SCALE,
                    (outBps + 0xF) >> BYTE_SCALE);
        }

        private static long scaledRate(long delta, int scale, long elapsedNanos) {
            return (long) ((double) (delta << scale) * NANOS_PER_SECOND / elapsedNanos);
        }

        private static long smooth(long average, long rate) {
            return average + ((rate - average) >> 2);
        }
    }

    private final Supplier<TableSnapshot> table;
    private volatile Map<RealServerCounters, Estimate> estimates = Map.of();
    private long lastTickNanos;
    private boolean ticked;

    /** Samples the real servers of whatever snapshot {@code table} gives at each tick. */
    public RateEstimator(Supplier<TableSnapshot> table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    /**
     * Takes one sample of every real server in the table (the sorry server included). Real servers
     * that left the table are forgotten; one that comes back starts from a new baseline.
     */
    public synchronized void tick(long nowNanos) {
        long elapsed = nowNanos - lastTickNanos;
        boolean measurable = ticked && elapsed > 0;
        Map<RealServerCounters, Estimate> previous = estimates;
        Map<RealServerCounters, Estimate> next = new IdentityHashMap<>();
        for (VirtualServerEntry entry : table.get().entries()) {
            for (PoolMember member : entry.pool()) {
                sample(member.counters(), previous, next, measurable, elapsed);
            }
            entry.sorryServer().ifPresent(sorry -> sample(sorry.counters(), previous, next, measurable, elapsed));
        }
        estimates = next;
        lastTickNanos = nowNanos;
        ticked = true;
    }

    private static void sample(RealServerCounters counters, Map<RealServerCounters, Estimate> previous,
                               Map<RealServerCounters, Estimate> next, boolean measurable, long elapsed) {
        if (next.containsKey(counters)) {
            return;
        }
        Estimate last = previous.get(counters);
        next.put(counters, last == null ? Estimate.baseline(counters) : measurable ? last.next(counters, elapsed) : last);
    }

    /** The current estimate for one real server; zero until it has been sampled twice. */
    public Rates rates(RealServerCounters counters) {
        Estimate estimate = estimates.get(counters);
        return estimate == null ? Rates.ZERO : estimate.read();
    }
}
