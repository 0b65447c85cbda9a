package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpvsHashTest {

    /** The kernel self-test key for hsiphash on 64-bit (lib/siphash_kunit.c): bytes 00..0f. */
    private static final long TEST_K0 = 0x0706050403020100L;
    private static final long TEST_K1 = 0x0f0e0d0c0b0a0908L;

    /** Kernel {@code test_vectors_hsiphash} (64-bit build): vector n hashes the bytes 0, 1, ..., n-1. */
    private static final int[] KERNEL_HSIPHASH_VECTORS = {
        0x050fc4dc, 0x7d57ca93, 0x4dc7d44d, 0xe7ddf7fb, 0x88d38328, 0x49533b67, 0xc59f22a7, 0x9bb11140,
        0x8d299a8e, 0x6c063de4, 0x92ff097f, 0xf94dc352, 0x57b4d9a2, 0x1229ffa7, 0xc0f95d34, 0x2a519956,
    };

    @ParameterizedTest(name = "hash_32({0}, 8) = {1}, with port 40000 = {2}, hash_32({0}, 10) = {3}")
    @CsvSource({
        "10.0.0.1,      39,  203, 159",
        "10.0.0.2,      137, 45,  550",
        "192.168.1.100, 89,  253, 357",
        "172.16.5.9,    115, 23,  460",
    })
    void hash32MatchesTheReferenceVectors(String ip, int bucket, int bucketWithPort, int tenBits) throws Exception {
        int addr = Flow.fold(InetAddress.getByName(ip));
        assertThat(IpvsHash.hash32(addr, 8)).isEqualTo(bucket);
        assertThat(IpvsHash.hash32(40000 + addr, 8)).isEqualTo(bucketWithPort);
        assertThat(IpvsHash.hash32(addr, 10)).isEqualTo(tenBits);
    }

    @Test
    void hsiphashOfFourBytesMatchesTheKernelSelfTest() {
        // Vector 4 hashes the bytes 00 01 02 03, which is the little-endian int 0x03020100.
        assertThat(IpvsHash.hsiphash(TEST_K0, TEST_K1, 0x03020100)).isEqualTo(KERNEL_HSIPHASH_VECTORS[4]);
    }

    @Test
    void referenceSipHash13MatchesEveryKernelVector() {
        for (int len = 0; len < KERNEL_HSIPHASH_VECTORS.length; len++) {
            byte[] message = new byte[len];
            for (int i = 0; i < len; i++) {
                message[i] = (byte) i;
            }
            assertThat((int) referenceSipHash13(TEST_K0, TEST_K1, message))
                    .as("length %d", len)
                    .isEqualTo(KERNEL_HSIPHASH_VECTORS[len]);
        }
    }

    @Test
    void hsiphashIsSipHash13OfTheLittleEndianValue() {
        qt().forAll(longs().all(), longs().all(), integers().all()).checkAssert((k0, k1, value) -> {
            byte[] message = {(byte) (int) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
            assertThat(IpvsHash.hsiphash(k0, k1, value)).isEqualTo((int) referenceSipHash13(k0, k1, message));
        });
    }

    /** SipHash-1-3 over any message, written plainly after the SipHash paper. */
    private static long referenceSipHash13(long k0, long k1, byte[] message) {
        long[] v = {0x736f6d6570736575L ^ k0, 0x646f72616e646f6dL ^ k1, 0x6c7967656e657261L ^ k0,
            0x7465646279746573L ^ k1};
        int blocks = message.length / 8;
        for (int i = 0; i < blocks; i++) {
            long m = 0;
            for (int j = 7; j >= 0; j--) {
                m = m << 8 | (message[i * 8 + j] & 0xffL);
            }
            v[3] ^= m;
            sipRound(v);
            v[0] ^= m;
        }
        long last = (long) message.length << 56;
        for (int j = 0; j < message.length % 8; j++) {
            last |= (message[blocks * 8 + j] & 0xffL) << (8 * j);
        }
        v[3] ^= last;
        sipRound(v);
        v[0] ^= last;
        v[2] ^= 0xff;
        for (int r = 0; r < 3; r++) {
            sipRound(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void sipRound(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }
}
