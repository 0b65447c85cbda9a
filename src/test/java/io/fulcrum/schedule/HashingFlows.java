package io.fulcrum.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Flows aimed at a chosen bucket or slot of a hashing scheduler, so that tests can read its whole
 * table through {@link Scheduler#pick} and compare it with a table written out by hand.
 */
final class HashingFlows {

    /** The multiplicative inverse of GOLDEN_RATIO_32 mod 2^32: hash_32 is a bijection before the shift. */
    private static final int GOLDEN_RATIO_32_INVERSE = 0xEBB34377;

    static final int VIP = 0xC0000264; // 192.0.2.100
    static final int CLIENT = 0xCB007107; // 203.0.113.7

    private HashingFlows() {
    }

    /** A value whose {@code hash_32(value, 8)} is {@code bucket}. */
    static int preimage(int bucket) {
        return (bucket << 24) * GOLDEN_RATIO_32_INVERSE;
    }

    /** A client flow that sh (without sh-port) hashes to {@code bucket}. */
    static Flow shBucket(int bucket) {
        return new Flow.Fixed(preimage(bucket), 40000, VIP);
    }

    /** A flow to a destination address that dh hashes to {@code bucket}. */
    static Flow dhBucket(int bucket) {
        return new Flow.Fixed(CLIENT, 40000, preimage(bucket));
    }

    /** For every slot of a Maglev table of {@code tableSize}, a client flow (port 0) that looks it up. */
    static Flow[] maglevSlots(int tableSize) {
        Flow[] flows = new Flow[tableSize];
        int missing = tableSize;
        for (int addr = 0x0B000000; missing > 0; addr++) {
            int slot = Maglev.slot(Maglev.KEY1, addr, 0, 0, tableSize);
            if (flows[slot] == null) {
                flows[slot] = new Flow.Fixed(addr, 0, VIP);
                missing--;
            }
        }
        return flows;
    }

    /** What the scheduler picks for each flow, in order (null where it refuses). */
    static List<Destination> picks(Scheduler scheduler, Flow[] flows) {
        List<Destination> picked = new ArrayList<>(flows.length);
        for (Flow flow : flows) {
            picked.add(scheduler.pick(flow));
        }
        return picked;
    }

    static Flow[] shTable() {
        Flow[] flows = new Flow[256];
        for (int b = 0; b < flows.length; b++) {
            flows[b] = shBucket(b);
        }
        return flows;
    }

    static Flow[] dhTable() {
        Flow[] flows = new Flow[256];
        for (int b = 0; b < flows.length; b++) {
            flows[b] = dhBucket(b);
        }
        return flows;
    }
}
