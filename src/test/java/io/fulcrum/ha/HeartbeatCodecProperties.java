package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class HeartbeatCodecProperties {

    private final HeartbeatCodec keyed = new HeartbeatCodec(Optional.of(new byte[] {1, 2, 3}));
    private final HeartbeatCodec unkeyed = new HeartbeatCodec(Optional.empty());

    @Provide
    Arbitrary<Heartbeat> heartbeats() {
        return Builders.withBuilder(() -> new Object[9])
                .use(Arbitraries.of(RouterRole.class)).in((a, v) -> set(a, 0, v))
                .use(Arbitraries.of(HaState.class)).in((a, v) -> set(a, 1, v))
                .use(Arbitraries.longs().greaterOrEqual(0)).in((a, v) -> set(a, 2, v))
                .use(Arbitraries.longs().greaterOrEqual(0)).in((a, v) -> set(a, 3, v))
                .use(Arbitraries.longs()).in((a, v) -> set(a, 4, v))
                .use(Arbitraries.integers().greaterOrEqual(0)).in((a, v) -> set(a, 6, v))
                .use(Arbitraries.integers().greaterOrEqual(0)).in((a, v) -> set(a, 5, v))
                .use(Arbitraries.of(true, false)).in((a, v) -> set(a, 7, v))
                .use(Arbitraries.of(true, false)).in((a, v) -> set(a, 8, v))
                .build(a -> new Heartbeat((RouterRole) a[0], (HaState) a[1], (long) a[2], (long) a[3], (long) a[4],
                        Math.min((int) a[5], (int) a[6]), (int) a[6], (boolean) a[7], (boolean) a[8]));
    }

    private static Object[] set(Object[] fields, int index, Object value) {
        fields[index] = value;
        return fields;
    }

    @Property
    void decodeUndoesEncode(@ForAll("heartbeats") Heartbeat h, @ForAll boolean withKey) throws BadHeartbeat {
        HeartbeatCodec codec = withKey ? keyed : unkeyed;
        ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        codec.encode(h, wire);
        assertThat(codec.decode(wire.flip())).isEqualTo(h);
    }

    @Property
    void anyFlippedBitOfAKeyedMessageIsRejected(@ForAll("heartbeats") Heartbeat h,
            @ForAll @IntRange(min = 0, max = HeartbeatCodec.MAX_SIZE * 8 - 1) int bit) {
        ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        keyed.encode(h, wire);
        wire.flip();
        wire.put(bit / 8, (byte) (wire.get(bit / 8) ^ (1 << (bit % 8))));
        assertThat(catchThrowableOfType(BadHeartbeat.class, () -> keyed.decode(wire))).isNotNull();
    }

    /** Random bytes, behind a valid header or not, and unkeyed messages with a byte changed. */
    @Provide
    Arbitrary<byte[]> datagrams() {
        Arbitrary<byte[]> header = Arbitraries.of(
                new byte[] {}, new byte[] {'F', 'L', 'C', 'M', 1, 0}, new byte[] {'F', 'L', 'C', 'M', 1, 1});
        Arbitrary<byte[]> tail = Arbitraries.bytes().array(byte[].class).ofMaxSize(HeartbeatCodec.MAX_SIZE + 2);
        Arbitrary<byte[]> random = header.flatMap(head -> tail.map(t -> {
            byte[] datagram = new byte[head.length + t.length];
            System.arraycopy(head, 0, datagram, 0, head.length);
            System.arraycopy(t, 0, datagram, head.length, t.length);
            return datagram;
        }));
        Arbitrary<byte[]> edited = Combinators.combine(heartbeats(), Arbitraries.integers().between(6, 40),
                Arbitraries.bytes()).as((h, index, value) -> {
                    ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
                    new HeartbeatCodec(Optional.empty()).encode(h, wire);
                    byte[] datagram = Arrays.copyOf(wire.array(), wire.position());
                    datagram[index] = value;
                    return datagram;
                });
        return Arbitraries.oneOf(random, edited);
    }

    @Property
    void aKeyedCodecRejectsEveryForgery(@ForAll("datagrams") byte[] datagram) {
        assertThat(catchThrowableOfType(BadHeartbeat.class, () -> keyed.decode(ByteBuffer.wrap(datagram))))
                .isNotNull();
    }

    /** Garbage never escapes as another exception, and what an unkeyed codec accepts it would encode the same. */
    @Property
    void anUnkeyedCodecAcceptsOnlyCanonicalMessages(@ForAll("datagrams") byte[] datagram) {
        Heartbeat h;
        try {
            h = unkeyed.decode(ByteBuffer.wrap(datagram));
        } catch (BadHeartbeat e) {
            return;
        }
        ByteBuffer again = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        unkeyed.encode(h, again);
        assertThat(again.flip()).isEqualTo(ByteBuffer.wrap(datagram));
    }

    @Property
    void rejectsAMessageWithBytesAfterIt(@ForAll("heartbeats") Heartbeat h,
            @ForAll @Size(min = 1, max = 3) byte[] extra) {
        ByteBuffer wire = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE + extra.length);
        keyed.encode(h, wire);
        wire.put(extra).flip();
        assertThat(catchThrowableOfType(BadHeartbeat.class, () -> keyed.decode(wire)).reason())
                .isEqualTo(BadHeartbeat.Reason.NOT_A_HEARTBEAT);
    }
}
