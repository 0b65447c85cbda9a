package io.fulcrum.schedule;

/**
 * The two Linux hash functions the IPVS hashing schedulers use, bit for bit, so that Fulcrum
 * directors agree with each other (and dh/sh with kernel directors) on where a client goes.
 */
final class IpvsHash {

    /** {@code GOLDEN_RATIO_32} from include/linux/hash.h. */
    private static final int GOLDEN_RATIO_32 = 0x61C88647;

    private static final long SIPHASH_CONST_0 = 0x736f6d6570736575L;
    private static final long SIPHASH_CONST_1 = 0x646f72616e646f6dL;
    private static final long SIPHASH_CONST_2 = 0x6c7967656e657261L;
    private static final long SIPHASH_CONST_3 = 0x7465646279746573L;

    private IpvsHash() {
    }

    /** Linux {@code hash_32(value, bits)}: the top {@code bits} bits of the golden-ratio product. */
    static int hash32(int value, int bits) {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /**
     * Linux {@code hsiphash(&value, 4, key)} as built on 64-bit kernels: SipHash-1-3 with the
     * 128-bit key {@code (k0, k1)} over the four bytes of {@code value} in little-endian order,
     * truncated to 32 bits. (32-bit kernels run HalfSipHash-1-3 instead and get other values.)
     */
    static int hsiphash(long k0, long k1, int value) {
        long v0 = SIPHASH_CONST_0 ^ k0;
        long v1 = SIPHASH_CONST_1 ^ k1;
        long v2 = SIPHASH_CONST_2 ^ k0;
        long v3 = SIPHASH_CONST_3 ^ k1;
        // A 4-byte message is shorter than one 8-byte block: only the final block, which carries
        // the length in its top byte.
        long b = (4L << 56) | (value & 0xFFFF_FFFFL);
        v3 ^= b;
        // Round 0 compresses the final block; rounds 1 to 3 finalize.
        for (int round = 0; round < 4; round++) {
            if (round == 1) {
                v0 ^= b;
                v2 ^= 0xff;
            }
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13);
            v1 ^= v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17);
            v1 ^= v2;
            v2 = Long.rotateLeft(v2, 32);
        }
        return (int) (v0 ^ v1 ^ v2 ^ v3);
    }
}
