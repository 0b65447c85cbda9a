package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import java.util.List;
import java.util.Set;

/**
 * IPVS {@code mh}: Maglev consistent hashing. Each real server owns a share of a prime-sized table
 * in proportion to its weight; adding or removing one moves little more than that server's share.
 * A quiesced real server (weight 0) keeps its slots through {@code last_weight}, so its clients are
 * refused (or, with {@code mh-fallback}, sent elsewhere) but nobody else moves.
 *
 * <p>Hashing is the kernel's {@code hsiphash} with its two fixed keys, as built on 64-bit kernels
 * (SipHash-1-3 truncated to 32 bits), so Fulcrum directors with the same pool build the same table.
 */
public final class Maglev implements Scheduler {

    /** The kernel default ({@code CONFIG_IP_VS_MH_TAB_INDEX} 12). */
    public static final int DEFAULT_TABLE_SIZE = 4093;

    /** Both halves of the kernel's {@code hash1} key: offsets and client lookups. */
    static final long KEY1 = 2654435761L;
    /** Both halves of the kernel's {@code hash2} key: skips. */
    static final long KEY2 = 2654446892L;

    private final int tableSize;
    private final boolean hashPort;
    private final boolean fallback;
    private volatile Destination[] lookup;

    public Maglev(Set<SchedulerFlag> flags) {
        this(flags, DEFAULT_TABLE_SIZE);
    }

    /** @param tableSize a prime; the kernel offers 251, 509, ..., 4093 (default), ..., 131071 */
    public Maglev(Set<SchedulerFlag> flags, int tableSize) {
        if (!isPrime(tableSize)) {
            throw new IllegalArgumentException("mh table size must be a prime, got " + tableSize);
        }
        this.tableSize = tableSize;
        this.hashPort = flags.contains(SchedulerFlag.MH_PORT);
        this.fallback = flags.contains(SchedulerFlag.MH_FALLBACK);
        this.lookup = new Destination[tableSize];
    }

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.MH;
    }

    @Override
    public void prepare(List<? extends Destination> pool) {
        int n = pool.size();
        if (n > tableSize) {
            throw new IllegalArgumentException("mh: " + n + " real servers do not fit a Maglev table of "
                    + tableSize + " slots");
        }
        int[] offsets = new int[n];
        int[] skips = new int[n];
        int[] lastWeights = new int[n];
        for (int i = 0; i < n; i++) {
            Destination dest = pool.get(i);
            offsets[i] = slot(KEY1, dest.addressFold(), dest.port(), 0, tableSize);
            skips[i] = slot(KEY2, dest.addressFold(), dest.port(), 0, tableSize - 1) + 1;
            lastWeights[i] = dest.lastWeight();
        }
        int[] owners = MaglevTable.populate(offsets, skips, MaglevTable.turns(lastWeights, tableSize), tableSize);
        Destination[] table = new Destination[tableSize];
        for (int s = 0; s < tableSize; s++) {
            table[s] = owners[s] == MaglevTable.EMPTY ? null : pool.get(owners[s]);
        }
        lookup = table;
    }

    @Override
    public Destination pick(Flow flow) {
        Destination[] table = lookup;
        int addr = flow.sourceFold();
        int port = hashPort ? flow.sourcePort() : 0;
        int ihash = slot(KEY1, addr, port, 0, tableSize);
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
        for (int offset = 0; offset < tableSize; offset++) {
            int roffset = (offset + ihash) % tableSize;
            dest = table[slot(KEY1, addr, port, roffset, tableSize)];
            if (dest == null) {
                return null;
            }
            if (!unavailable(dest)) {
                return dest;
            }
        }
        return null;
    }

    /** {@code ip_vs_mh_hashkey(addr, port, key, offset) % modulus}, the hash taken as unsigned. */
    static int slot(long key, int addr, int port, int offset, int modulus) {
        return Integer.remainderUnsigned(IpvsHash.hsiphash(key, key, offset + port + addr), modulus);
    }

    private static boolean unavailable(Destination dest) {
        return dest.weight() <= 0 || dest.overloaded();
    }

    private static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
