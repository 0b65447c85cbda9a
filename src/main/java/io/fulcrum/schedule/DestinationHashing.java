package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerKind;
import java.util.List;

/**
 * IPVS {@code dh}: the VIP-side address (the flow's destination) picks one of 256 buckets, and
 * the buckets are dealt to the real servers in list order, ignoring weights. There is no
 * fallback: an unavailable real server means no real server.
 */
public final class DestinationHashing implements Scheduler {

    private static final int TAB_BITS = 8;
    private static final int TAB_SIZE = 1 << TAB_BITS;

    private volatile Destination[] buckets = new Destination[TAB_SIZE];

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.DH;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        Destination[] table = new Destination[TAB_SIZE];
        int n = pool.size();
        if (n > 0) {
            for (int i = 0; i < TAB_SIZE; i++) {
                table[i] = pool.get(i % n);
            }
        }
        buckets = table;
    }

    @Override
    public Destination pick(Flow flow) {
        Destination dest = buckets[IpvsHash.hash32(flow.destinationFold(), TAB_BITS)];
        if (dest == null || dest.weight() <= 0 || dest.overloaded()) {
            return null;
        }
        return dest;
    }
}
