package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Fuzzes the heartbeat codec with what anyone on the heartbeat links can send. Regression inputs:
 * src/test/resources/io/fulcrum/ha/HeartbeatCodecFuzzTestInputs/METHOD; fuzz with
 * {@code bin/fuzz HeartbeatCodecFuzzTest 600} (or {@code HeartbeatCodecFuzzTest#roundTrip}).
 */
class HeartbeatCodecFuzzTest {

    private static final HeartbeatCodec KEYED = new HeartbeatCodec(Optional.of(new byte[] {1, 2, 3}));
    private static final HeartbeatCodec UNKEYED = new HeartbeatCodec(Optional.empty());

    /**
     * Any datagram is either rejected with a {@link BadHeartbeat} that leaves the buffer where it was, or
     * accepted whole, and then it is exactly what the codec would encode for the heartbeat it decoded.
     */
    @FuzzTest
    void decode(FuzzedDataProvider data) {
        HeartbeatCodec codec = data.consumeBoolean() ? KEYED : UNKEYED;
        byte[] datagram = data.consumeRemainingAsBytes();
        ByteBuffer in = ByteBuffer.wrap(datagram);
        Heartbeat h;
        try {
            h = codec.decode(in);
        } catch (BadHeartbeat bad) {
            assertThat(in.position()).isZero();
            assertThat(bad.reason()).isNotNull();
            assertThat(bad.getMessage()).isNotBlank();
            return;
        }
        assertThat(in.hasRemaining()).isFalse();
        ByteBuffer again = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        codec.encode(h, again);
        assertThat(Arrays.copyOf(again.array(), again.position())).isEqualTo(datagram);
    }

    /** Every heartbeat survives encode and decode, and a keyed message with any bit flipped is rejected. */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) throws BadHeartbeat {
        int total = data.consumeInt(0, Integer.MAX_VALUE);
        Heartbeat h = new Heartbeat(data.pickValue(RouterRole.values()), data.pickValue(HaState.values()),
                data.consumeLong(0, Long.MAX_VALUE), data.consumeLong(0, Long.MAX_VALUE), data.consumeLong(),
                data.consumeInt(0, total), total, data.consumeBoolean(), data.consumeBoolean());
        HeartbeatCodec codec = data.consumeBoolean() ? KEYED : UNKEYED;
        int bit = data.consumeInt(0, HeartbeatCodec.MAX_SIZE * 8 - 1);
        ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        codec.encode(h, wire);
        assertThat(codec.decode(wire.duplicate().flip())).isEqualTo(h);

        wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        KEYED.encode(h, wire);
        ByteBuffer flipped = wire.flip();
        flipped.put(bit / 8, (byte) (flipped.get(bit / 8) ^ (1 << (bit % 8))));
        assertThat(catchThrowableOfType(BadHeartbeat.class, () -> KEYED.decode(flipped))).isNotNull();
    }
}
