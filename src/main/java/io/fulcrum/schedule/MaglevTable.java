package io.fulcrum.schedule;

import java.util.Arrays;

/**
 * The Maglev lookup-table construction of {@code ip_vs_mh.c}, on plain indexes into the pool so
 * that it can be checked by hand: weights become turns, then each real server in list order takes
 * its turns of slots along its own permutation of the table, round after round.
 */
final class MaglevTable {

    /** Owner of a slot that no real server took (only when no real server has turns). */
    static final int EMPTY = -1;

    private MaglevTable() {
    }

    /**
     * Slots each real server takes per round: {@code last_weight / gcd}, shifted right so that the
     * largest needs at most {@code fls(tableSize) / 2} bits (the kernel's
     * {@code CONFIG_IP_VS_MH_TAB_INDEX / 2}: 6 bits for 4093), but at least 1 for any real server
     * that ever had a weight. Small turns interleave the servers finely along the table.
     */
    static int[] turns(int[] lastWeights, int tableSize) {
        int gcd = 0;
        int max = 0;
        for (int w : lastWeights) {
            if (w > 0) {
                gcd = gcd == 0 ? w : gcd(gcd, w);
                max = Math.max(max, w);
            }
        }
        int[] turns = new int[lastWeights.length];
        if (gcd == 0) {
            return turns;
        }
        int rshift = Math.max(0, fls(max / gcd) - fls(tableSize) / 2);
        for (int i = 0; i < turns.length; i++) {
            int w = lastWeights[i];
            int t = (w / gcd) >> rshift;
            turns[i] = t == 0 && w != 0 ? 1 : t;
        }
        return turns;
    }

    /**
     * The owner (pool index) of every slot. Real server {@code i} walks the slots {@code offsets[i]},
     * {@code offsets[i] + skips[i]}, ... (mod {@code tableSize}, a prime, so the walk visits every
     * slot) and takes the first free one, {@code turns[i]} times per round.
     */
    static int[] populate(int[] offsets, int[] skips, int[] turns, int tableSize) {
        int[] owners = new int[tableSize];
        Arrays.fill(owners, EMPTY);
        if (Arrays.stream(turns).allMatch(t -> t < 1)) {
            return owners;
        }
        int[] perm = offsets.clone();
        int filled = 0;
        while (true) {
            for (int d = 0; d < perm.length; d++) {
                for (int turn = 0; turn < turns[d]; turn++) {
                    int c = perm[d];
                    while (owners[c] != EMPTY) {
                        c += skips[d];
                        if (c >= tableSize) {
                            c -= tableSize;
                        }
                    }
                    perm[d] = c;
                    owners[c] = d;
                    if (++filled == tableSize) {
                        return owners;
                    }
                }
            }
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Linux {@code fls()}: 1-based index of the highest set bit, 0 for 0. */
    private static int fls(int x) {
        return Integer.SIZE - Integer.numberOfLeadingZeros(x);
    }
}
