package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class HeartbeatCodecProperties {

    private final HeartbeatCodec keyed = new HeartbeatCodec(Optional.of(new byte[] {1, 2, 3}));
    private final HeartbeatCodec unkeyed = new HeartbeatCodec(Optional.empty());

    /** Non-negative longs, their bounds included. */
    private static Gen<Long> naturals() {
        return longs().between(0, Long.MAX_VALUE).mix(Generate.pick(List.of(0L, 1L, Long.MAX_VALUE)), 10);
    }

    static Gen<Heartbeat> heartbeats() {
        Gen<RouterRole> roles = Generate.enumValues(RouterRole.class);
        Gen<HaState> states = Generate.enumValues(HaState.class);
        Gen<Long> naturals = naturals();
        Gen<Long> fingerprints = longs().all().mix(Generate.pick(List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE)), 10);
        Gen<Integer> counts = integers().between(0, Integer.MAX_VALUE).mix(Generate.pick(List.of(0, 1, Integer.MAX_VALUE)), 10);
        Gen<Boolean> bools = booleans().all();
        return in -> {
            RouterRole role = roles.generate(in);
            HaState state = states.generate(in);
            long bootId = naturals.generate(in);
            long sequence = naturals.generate(in);
            long fingerprint = fingerprints.generate(in);
            int total = counts.generate(in);
            int up = counts.generate(in);
            return new Heartbeat(role, state, bootId, sequence, fingerprint, Math.min(up, total), total,
                    bools.generate(in), bools.generate(in));
        };
    }

    @Test
    void decodeUndoesEncode() {
        qt().forAll(heartbeats(), booleans().all()).checkAssert((h, withKey) -> {
            HeartbeatCodec codec = withKey ? keyed : unkeyed;
            ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
            codec.encode(h, wire);
            assertThat(decoded(codec, wire.flip())).isEqualTo(h);
        });
    }

    @Test
    void anyFlippedBitOfAKeyedMessageIsRejected() {
        qt().forAll(heartbeats(), integers().between(0, HeartbeatCodec.MAX_SIZE * 8 - 1)).checkAssert((h, bit) -> {
            ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
            keyed.encode(h, wire);
            wire.flip();
            wire.put(bit / 8, (byte) (wire.get(bit / 8) ^ (1 << (bit % 8))));
            assertThat(catchThrowableOfType(BadHeartbeat.class, () -> keyed.decode(wire))).isNotNull();
        });
    }

    /** Random bytes, behind a valid header or not, and unkeyed messages with a byte changed. */
    static Gen<byte[]> datagrams() {
        Gen<byte[]> header = Generate.pick(List.of(
                new byte[] {}, new byte[] {'F', 'L', 'C', 'M', 1, 0}, new byte[] {'F', 'L', 'C', 'M', 1, 1}));
        Gen<byte[]> tail = Generate.byteArrays(integers().between(0, HeartbeatCodec.MAX_SIZE + 2),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        Gen<byte[]> random = header.zip(tail, (head, t) -> {
            byte[] datagram = new byte[head.length + t.length];
            System.arraycopy(head, 0, datagram, 0, head.length);
            System.arraycopy(t, 0, datagram, head.length, t.length);
            return datagram;
        });
        Gen<byte[]> edited = heartbeats().zip(integers().between(6, 40),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0), (h, index, value) -> {
                    ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
                    new HeartbeatCodec(Optional.empty()).encode(h, wire);
                    byte[] datagram = Arrays.copyOf(wire.array(), wire.position());
                    datagram[index] = value;
                    return datagram;
                });
        return Generate.oneOf(random, edited);
    }

    @Test
    void aKeyedCodecRejectsEveryForgery() {
        qt().forAll(datagrams()).checkAssert(datagram -> assertThat(
                catchThrowableOfType(BadHeartbeat.class, () -> keyed.decode(ByteBuffer.wrap(datagram)))).isNotNull());
    }

    /** Garbage never escapes as another exception, and what an unkeyed codec accepts it would encode the same. */
    @Test
    void anUnkeyedCodecAcceptsOnlyCanonicalMessages() {
        qt().forAll(datagrams()).checkAssert(datagram -> {
            Heartbeat h;
            try {
                h = unkeyed.decode(ByteBuffer.wrap(datagram));
            } catch (BadHeartbeat e) {
                return;
            }
            ByteBuffer again = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
            unkeyed.encode(h, again);
            assertThat(again.flip()).isEqualTo(ByteBuffer.wrap(datagram));
        });
    }

    @Test
    void rejectsAMessageWithBytesAfterIt() {
        Gen<byte[]> extras = Generate.byteArrays(integers().between(1, 3),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        qt().forAll(heartbeats(), extras).checkAssert((h, extra) -> {
            ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE + extra.length);
            keyed.encode(h, wire);
            wire.put(extra).flip();
            assertThat(catchThrowableOfType(BadHeartbeat.class, () -> keyed.decode(wire)).reason())
                    .isEqualTo(BadHeartbeat.Reason.NOT_A_HEARTBEAT);
        });
    }

    private static Heartbeat decoded(HeartbeatCodec codec, ByteBuffer wire) {
        try {
            return codec.decode(wire);
        } catch (BadHeartbeat e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
