package io.fulcrum.ha;

import static io.fulcrum.ha.BadHeartbeat.Reason.NOT_A_HEARTBEAT;
import static io.fulcrum.ha.BadHeartbeat.Reason.WRONG_VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fulcrum.ha.BadHeartbeat.Reason;
import java.lang.management.ManagementFactory;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeartbeatCodecTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = "change-me".getBytes(StandardCharsets.US_ASCII);
    private static final Heartbeat SAMPLE = new Heartbeat(RouterRole.BACKUP, HaState.ACTIVE, 0x0102030405060708L, 9,
            0xFEDCBA9876543210L, 2, 3, true, false);
    /** SAMPLE unkeyed, byte by byte as the class comment lays it out. */
    private static final String SAMPLE_BODY = "464c434d" + "01" + "00" + "01" + "01" + "0102030405060708"
            + "0000000000000009" + "fedcba9876543210" + "00000002" + "00000003" + "01";
    /** printf BODY_WITH_FLAG_1 | xxd -r -p | openssl dgst -sha256 -hmac change-me */
    private static final String SAMPLE_MAC = "7dffea5a9be55c6f794d0cde44e0c3351051db815f7d4e398ad88baf060e8744";

    private final HeartbeatCodec keyed = new HeartbeatCodec(Optional.of(KEY));
    private final HeartbeatCodec unkeyed = new HeartbeatCodec(Optional.empty());

    static Stream<Heartbeat> heartbeats() {
        return Stream.of(
                SAMPLE,
                new Heartbeat(RouterRole.PRIMARY, HaState.STANDBY, 0, 0, 0, 0, 0, false, false),
                new Heartbeat(RouterRole.PRIMARY, HaState.FAULT, 1_767_225_600_000L, 1, -1, 0, 1, false, true),
                new Heartbeat(RouterRole.BACKUP, HaState.LEAVING, Long.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
                        Integer.MAX_VALUE, Integer.MAX_VALUE, true, true),
                new Heartbeat(RouterRole.PRIMARY, HaState.ACTIVE, 42, 1L << 40, 0x5555_5555_5555_5555L, 7, 12,
                        true, true));
    }

    @ParameterizedTest
    @MethodSource("heartbeats")
    void everyFieldSurvivesTheRoundTrip(Heartbeat h) throws BadHeartbeat {
        for (HeartbeatCodec codec : new HeartbeatCodec[] {keyed, unkeyed}) {
            ByteBuffer wire = encode(codec, h);
            assertThat(wire.remaining()).isEqualTo(codec.authenticated() ? HeartbeatCodec.MAX_SIZE : 41);
            assertThat(codec.decode(wire)).isEqualTo(h);
            assertThat(wire.hasRemaining()).as("decode consumes the datagram").isFalse();
        }
    }

    @Test
    void theWireLayoutIsPinned() {
        assertThat(HEX.formatHex(bytes(encode(unkeyed, SAMPLE)))).isEqualTo(SAMPLE_BODY);
        String keyedBody = SAMPLE_BODY.substring(0, 10) + "01" + SAMPLE_BODY.substring(12);
        assertThat(HEX.formatHex(bytes(encode(keyed, SAMPLE)))).isEqualTo(keyedBody + SAMPLE_MAC);
        assertThat(HeartbeatCodec.MAX_SIZE).isEqualTo(73);
    }

    @Test
    void encodeWritesAtThePositionAndDecodeReadsFromIt() throws BadHeartbeat {
        ByteBuffer out = ByteBuffer.allocateDirect(200).position(17);
        int length = keyed.encode(SAMPLE, out);
        assertThat(length).isEqualTo(HeartbeatCodec.MAX_SIZE);
        assertThat(out.position()).isEqualTo(17 + length);
        assertThat(keyed.decode(out.flip().position(17))).isEqualTo(SAMPLE);
    }

    @Test
    void encodeIntoTooSmallABufferWritesNothing() {
        ByteBuffer out = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE - 1);
        assertThatThrownBy(() -> keyed.encode(SAMPLE, out)).isInstanceOf(BufferOverflowException.class);
        assertThat(out.position()).isZero();
        assertThat(unkeyed.encode(SAMPLE, out)).isEqualTo(41);
    }

    @Test
    void everySingleBitFlipOfAKeyedMessageIsRejected() {
        byte[] good = bytes(encode(keyed, SAMPLE));
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            Reason reason = rejection(keyed, bad);
            Reason expected = bit / 8 < 4 ? Reason.NOT_A_HEARTBEAT
                    : bit / 8 == 4 ? Reason.WRONG_VERSION
                    : bit == 40 ? Reason.UNAUTHENTICATED
                    : bit / 8 == 5 ? Reason.NOT_A_HEARTBEAT
                    : Reason.BAD_MAC;
            assertThat(reason).as("bit %d", bit).isEqualTo(expected);
        }
    }

    @Test
    void aDifferentKeyIsRejected() {
        HeartbeatCodec other = new HeartbeatCodec(Optional.of("change-me!".getBytes(StandardCharsets.US_ASCII)));
        assertThat(rejection(other, bytes(encode(keyed, SAMPLE)))).isEqualTo(Reason.BAD_MAC);
        assertThat(rejection(keyed, bytes(encode(other, SAMPLE)))).isEqualTo(Reason.BAD_MAC);
    }

    @Test
    void aKeyedReceiverRejectsUnsignedMessagesAndViceVersa() {
        BadHeartbeat unsigned = catchThrowableOfType(BadHeartbeat.class,
                () -> keyed.decode(encode(unkeyed, SAMPLE)));
        assertThat(unsigned.reason()).isEqualTo(Reason.UNAUTHENTICATED);
        assertThat(unsigned).hasMessageContaining("this router has a heartbeat key and the partner has none");

        BadHeartbeat signed = catchThrowableOfType(BadHeartbeat.class,
                () -> unkeyed.decode(encode(keyed, SAMPLE)));
        assertThat(signed.reason()).isEqualTo(Reason.UNAUTHENTICATED);
        assertThat(signed).hasMessageContaining("the partner has a heartbeat key and this router has none");
    }

    @Test
    void everyTruncationIsRejectedAsTruncated() {
        for (HeartbeatCodec codec : new HeartbeatCodec[] {keyed, unkeyed}) {
            byte[] good = bytes(encode(codec, SAMPLE));
            for (int length = 0; length < good.length; length++) {
                assertThat(rejection(codec, Arrays.copyOf(good, length)))
                        .as("%d of %d bytes", length, good.length).isEqualTo(Reason.TRUNCATED);
            }
        }
    }

    /** Rows: what, the datagram in hex, the reason, and whether a keyed codec receives it. */
    static Stream<Arguments> malformed() {
        String keyedSample = SAMPLE_BODY.substring(0, 10) + "01" + SAMPLE_BODY.substring(12) + SAMPLE_MAC;
        String http = HEX.formatHex("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return Stream.of(
                Arguments.of("a keyed message and a byte more", keyedSample + "00", NOT_A_HEARTBEAT, true),
                Arguments.of("an unkeyed message and a byte more", SAMPLE_BODY + "00", NOT_A_HEARTBEAT, false),
                Arguments.of("a jumbo datagram", "464c434d0101" + "00".repeat(9000), NOT_A_HEARTBEAT, true),
                Arguments.of("an HTTP request", http, NOT_A_HEARTBEAT, true),
                Arguments.of("one stray byte", "00", NOT_A_HEARTBEAT, false),
                Arguments.of("magic in lower case", "666c636d" + SAMPLE_BODY.substring(8), NOT_A_HEARTBEAT, false),
                Arguments.of("version 0", withByte(SAMPLE_BODY, 4, 0x00), WRONG_VERSION, false),
                Arguments.of("version 2 of another length", "464c434d0200", WRONG_VERSION, false),
                Arguments.of("an unknown flag", withByte(SAMPLE_BODY, 5, 0x02), NOT_A_HEARTBEAT, false),
                Arguments.of("role 2", withByte(SAMPLE_BODY, 6, 0x02), NOT_A_HEARTBEAT, false),
                Arguments.of("state 4", withByte(SAMPLE_BODY, 7, 0x04), NOT_A_HEARTBEAT, false),
                Arguments.of("a negative bootId", withByte(SAMPLE_BODY, 8, 0x81), NOT_A_HEARTBEAT, false),
                Arguments.of("a negative sequence", withByte(SAMPLE_BODY, 16, 0x80), NOT_A_HEARTBEAT, false),
                Arguments.of("more up than total", withByte(SAMPLE_BODY, 35, 0x04), NOT_A_HEARTBEAT, false),
                Arguments.of("negative up", withByte(SAMPLE_BODY, 32, 0xFF), NOT_A_HEARTBEAT, false),
                Arguments.of("an unknown link bit", withByte(SAMPLE_BODY, 40, 0x05), NOT_A_HEARTBEAT, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedDatagramsAreRejectedWithTheirReason(String what, String hex, Reason reason, boolean byKeyed) {
        assertThat(rejection(byKeyed ? keyed : unkeyed, HEX.parseHex(hex))).isEqualTo(reason);
    }

    @Test
    void theMalformedTablesBaseDecodes() throws BadHeartbeat {
        // so that each row fails for its edit, not for its base
        assertThat(unkeyed.decode(ByteBuffer.wrap(HEX.parseHex(SAMPLE_BODY)))).isEqualTo(SAMPLE);
    }

    @Test
    void aRejectedDatagramIsLeftWhereItWas() {
        ByteBuffer wire = ByteBuffer.wrap(HEX.parseHex(SAMPLE_BODY));
        assertThatThrownBy(() -> keyed.decode(wire)).isInstanceOf(BadHeartbeat.class);
        assertThat(wire.remaining()).isEqualTo(41);
    }

    @Test
    void authenticatedSaysWhetherThereIsAKey() {
        assertThat(keyed.authenticated()).isTrue();
        assertThat(unkeyed.authenticated()).isFalse();
    }

    @Test
    void anEmptyKeyIsRefused() {
        assertThatThrownBy(() -> new HeartbeatCodec(Optional.of(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeat key is empty");
    }

    @Test
    void anUnkeyedEncodeAllocatesNothingOnceWarm() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuffer buffer = ByteBuffer.allocateDirect(HeartbeatCodec.MAX_SIZE);
        for (int i = 0; i < 50_000; i++) {
            unkeyed.encode(SAMPLE, buffer.clear());
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            unkeyed.encode(SAMPLE, buffer.clear());
        }
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated by 10 000 encodes")
                .isZero();
    }

    private static ByteBuffer encode(HeartbeatCodec codec, Heartbeat h) {
        ByteBuffer out = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        codec.encode(h, out);
        return out.flip();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static Reason rejection(HeartbeatCodec codec, byte[] datagram) {
        BadHeartbeat bad = catchThrowableOfType(BadHeartbeat.class, () -> codec.decode(ByteBuffer.wrap(datagram)));
        assertThat(bad).as("%s is rejected", HEX.formatHex(datagram)).isNotNull();
        return bad.reason();
    }

    private static String withByte(String hex, int index, int value) {
        return hex.substring(0, 2 * index) + HEX.toHexDigits((byte) value) + hex.substring(2 * index + 2);
    }
}
