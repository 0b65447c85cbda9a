package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import java.util.List;
import java.util.Set;

/**
 * IPVS {@code sh}: the client's address (plus its port with {@code sh-port}) picks one of 256
 * buckets; each real server fills {@code weight} consecutive buckets in list order, round after
 * round until the table is full. With {@code sh-fallback} an unavailable real server's clients are
 * spread over the others by a deterministic scan, so that all directors agree.
 */
public final class SourceHashing implements Scheduler {

    private static final int TAB_BITS = 8;
    private static final int TAB_SIZE = 1 << TAB_BITS;
    private static final int TAB_MASK = TAB_SIZE - 1;

    private final boolean hashPort;
    private final boolean fallback;
    private volatile Destination[] buckets = new Destination[TAB_SIZE];

    public SourceHashing(Set<SchedulerFlag> flags) {
        this.hashPort = flags.contains(SchedulerFlag.SH_PORT);
        this.fallback = flags.contains(SchedulerFlag.SH_FALLBACK);
    }

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.SH;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        Destination[] table = new Destination[TAB_SIZE];
        int n = pool.size();
        if (n > 0) {
            int p = 0;
            int count = 0;
            for (int i = 0; i < TAB_SIZE; i++) {
                table[i] = pool.get(p);
                // ">=" rather than "==": a weight-0 real server still takes one bucket per round.
                if (++count >= pool.get(p).weight()) {
                    p = (p + 1) % n;
                    count = 0;
                }
            }
        }
        buckets = table;
    }

    @Override
    public Destination pick(Flow flow) {
        Destination[] table = buckets;
        int addr = flow.sourceFold();
        int port = hashPort ? flow.sourcePort() : 0;
        int ihash = bucket(addr, port, 0);
        Destination dest = table[ihash];
        if (dest == null) {
            return null;
        }
        if (!unavailable(dest)) {
            return dest;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < TAB_SIZE; offset++) {
            // As ip_vs_sh.c: the offset is added to ihash and then to the hash again, so the scan
            // starts at 2 * ihash.
            int roffset = (offset + ihash) & TAB_MASK;
            dest = table[bucket(addr, port, roffset)];
            if (dest == null) {
                return null;
            }
            if (!unavailable(dest)) {
                return dest;
            }
        }
        return null;
    }

    private static int bucket(int addr, int port, int offset) {
        return (offset + IpvsHash.hash32(port + addr, TAB_BITS)) & TAB_MASK;
    }

    private static boolean unavailable(Destination dest) {
        return dest.weight() <= 0 || dest.overloaded();
    }
}
