package io.fulcrum.ha;

import com.sun.security.auth.module.UnixSystem;
import io.fulcrum.ha.BadHeartbeat.Reason;
import io.fulcrum.model.RouterPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The heartbeat wire format, version 1 (big-endian):
 *
 * <pre>
 *  0  magic "FLCM"        4 bytes
 *  4  version             1 byte, 1
 *  5  flags               1 byte, bit 0: a MAC follows
 *  6  role                1 byte, {@link RouterRole} ordinal
 *  7  state               1 byte, {@link HaState} ordinal
 *  8  bootId              8 bytes
 * 16  sequence            8 bytes
 * 24  configFingerprint   8 bytes
 * 32  realServersUp       4 bytes
 * 36  realServersTotal    4 bytes
 * 40  links               1 byte, bit 0: public up, bit 1: private up
 * 41  HMAC-SHA256         32 bytes over bytes 0-40, only when flags bit 0 is set
 * </pre>
 *
 * <p>A datagram is one message: {@link #decode} takes everything between the buffer's position and limit.
 * A keyed codec accepts only keyed messages and an unkeyed codec only unkeyed ones, so that a pair whose keys
 * differ is reported instead of half working. Decode checks authenticity, not freshness: pass the result to a
 * {@link ReplayGuard}.
 *
 * <p>A codec holds one {@link Mac} and scratch buffers: use each codec from one thread only.
 */
public final class HeartbeatCodec {

    private static final byte[] MAGIC = "FLCM".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int FLAG_MAC = 1;
    private static final int LINK_PUBLIC = 1;
    private static final int LINK_PRIVATE = 2;
    private static final int HEADER_SIZE = 6;
    private static final int BODY_SIZE = 41;
    private static final int MAC_SIZE = 32;
    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final RouterRole[] ROLES = RouterRole.values();
    private static final HaState[] STATES = HaState.values();
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** Bytes of an encoded message, with its MAC. */
    public static final int MAX_SIZE = BODY_SIZE + MAC_SIZE;

    private final Optional<Mac> mac;
    private final byte[] scratch = new byte[MAX_SIZE];
    private final ByteBuffer body = ByteBuffer.wrap(scratch);
    private final byte[] expectedMac = new byte[MAC_SIZE];
    private final byte[] receivedMac = new byte[MAC_SIZE];

    /**
     * @param key the shared secret; empty sends and accepts unauthenticated heartbeats, which anyone on the
     *            heartbeat links can forge
     */
    public HeartbeatCodec(Optional<byte[]> key) {
        this.mac = key.map(HeartbeatCodec::mac);
    }

    private static Mac mac(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("the heartbeat key is empty: set a long random secret");
        }
        try {
            Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(key, MAC_ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC_ALGORITHM + " is missing from this JDK, which every JDK must have", e);
        }
    }

    public boolean authenticated() {
        return mac.isPresent();
    }

    /**
     * Writes one message at {@code out}'s position and advances it.
     *
     * @return the message's length
     * @throws java.nio.BufferOverflowException when {@code out} has less room than that; nothing is written then
     */
    public int encode(Heartbeat h, ByteBuffer out) {
        body.clear();
        body.put(MAGIC)
                .put((byte) VERSION)
                .put((byte) (mac.isPresent() ? FLAG_MAC : 0))
                .put((byte) h.role().ordinal())
                .put((byte) h.state().ordinal())
                .putLong(h.bootId())
                .putLong(h.sequence())
                .putLong(h.configFingerprint())
                .putInt(h.realServersUp())
                .putInt(h.realServersTotal())
                .put((byte) ((h.publicLinkUp() ? LINK_PUBLIC : 0) | (h.privateLinkUp() ? LINK_PRIVATE : 0)));
        int length = BODY_SIZE;
        if (mac.isPresent()) {
            sign(mac.get(), scratch, BODY_SIZE);
            length += MAC_SIZE;
        }
        out.put(scratch, 0, length);
        return length;
    }

    /**
     * Reads the message between {@code in}'s position and limit, and on success advances the position to the limit.
     */
    public Heartbeat decode(ByteBuffer in) throws BadHeartbeat {
        int length = in.remaining();
        int start = in.position();
        for (int i = 0; i < Math.min(length, MAGIC.length); i++) {
            if (in.get(start + i) != MAGIC[i]) {
                throw new BadHeartbeat(Reason.NOT_A_HEARTBEAT,
                        "does not start with FLCM: something else sends to the heartbeat port");
            }
        }
        if (length < HEADER_SIZE) {
            throw new BadHeartbeat(Reason.TRUNCATED, length + " bytes, shorter than a heartbeat's header");
        }
        int version = in.get(start + 4) & 0xFF;
        if (version != VERSION) {
            throw new BadHeartbeat(Reason.WRONG_VERSION, "heartbeat version " + version + ", this router speaks "
                    + VERSION + ": run the same Fulcrum release on both routers");
        }
        int flags = in.get(start + 5) & 0xFF;
        if ((flags & ~FLAG_MAC) != 0) {
            throw new BadHeartbeat(Reason.NOT_A_HEARTBEAT, "unknown flags 0x" + Integer.toHexString(flags));
        }
        boolean keyed = (flags & FLAG_MAC) != 0;
        if (keyed && mac.isEmpty()) {
            throw new BadHeartbeat(Reason.UNAUTHENTICATED, "the partner has a heartbeat key and this router has "
                    + "none: set the same heartbeat_key or heartbeat_key_file on both routers");
        }
        if (!keyed && mac.isPresent()) {
            throw new BadHeartbeat(Reason.UNAUTHENTICATED, "this router has a heartbeat key and the partner has "
                    + "none (or someone else sends unsigned heartbeats): set the same heartbeat_key or "
                    + "heartbeat_key_file on both routers");
        }
        int expected = keyed ? MAX_SIZE : BODY_SIZE;
        if (length < expected) {
            throw new BadHeartbeat(Reason.TRUNCATED, length + " bytes where a heartbeat has " + expected);
        }
        if (length > expected) {
            throw new BadHeartbeat(Reason.NOT_A_HEARTBEAT, length + " bytes where a heartbeat has " + expected);
        }
        in.get(start, scratch, 0, length);
        if (keyed) {
            sign(mac.get(), expectedMac, 0);
            System.arraycopy(scratch, BODY_SIZE, receivedMac, 0, MAC_SIZE);
            if (!MessageDigest.isEqual(expectedMac, receivedMac)) {
                throw new BadHeartbeat(Reason.BAD_MAC, "the MAC does not match: the partner has a different "
                        + "heartbeat key, or the message was altered on the way");
            }
        }
        Heartbeat h = fields();
        in.position(start + length);
        return h;
    }

    /** HMAC of the body in {@code scratch}, written to {@code to} at {@code offset}. */
    private void sign(Mac mac, byte[] to, int offset) {
        mac.update(scratch, 0, BODY_SIZE);
        try {
            mac.doFinal(to, offset);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("a MAC buffer shorter than " + MAC_SIZE + " bytes", e);
        }
    }

    private Heartbeat fields() throws BadHeartbeat {
        body.clear().position(HEADER_SIZE);
        int role = body.get() & 0xFF;
        int state = body.get() & 0xFF;
        long bootId = body.getLong();
        long sequence = body.getLong();
        long fingerprint = body.getLong();
        int up = body.getInt();
        int total = body.getInt();
        int links = body.get() & 0xFF;
        if (role >= ROLES.length || state >= STATES.length || (links & ~(LINK_PUBLIC | LINK_PRIVATE)) != 0
                || bootId < 0 || sequence < 0 || up < 0 || up > total) {
            throw new BadHeartbeat(Reason.NOT_A_HEARTBEAT, "a field out of range: role " + role + ", state "
                    + state + ", boot " + bootId + ", sequence " + sequence + ", real servers " + up + "/" + total
                    + ", links 0x" + Integer.toHexString(links));
        }
        return new Heartbeat(ROLES[role], STATES[state], bootId, sequence, fingerprint, up, total,
                (links & LINK_PUBLIC) != 0, (links & LINK_PRIVATE) != 0);
    }

    /**
     * Reads the shared secret: {@code heartbeat_key}'s text, or the first line of {@code heartbeat_key_file}
     * (its whole content when it has one line), trimmed, of at least {@link RouterPair#MIN_HEARTBEAT_KEY_BYTES}
     * bytes in UTF-8. The file must belong to the user this daemon runs as (or to root) and be accessible to its owner only, as ssh
     * demands of a private key.
     *
     * @return empty when neither is set
     * @throws IOException when the file cannot be read, belongs to another user, is accessible to group or
     *                     others, or holds no key or a short one
     */
    public static Optional<byte[]> key(Optional<String> text, Optional<Path> file) throws IOException {
        if (text.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException("set heartbeat_key or heartbeat_key_file, not both");
        }
        if (text.isPresent()) {
            String key = text.get().strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("heartbeat_key is empty: set a long random secret");
            }
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < RouterPair.MIN_HEARTBEAT_KEY_BYTES) {
                throw new IllegalArgumentException(shortKey("heartbeat_key", bytes.length));
            }
            return Optional.of(bytes);
        }
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path path = file.get();
        int owner = (Integer) Files.getAttribute(path, "unix:uid");
        long daemonUser = new UnixSystem().getUid();
        if (owner != daemonUser && owner != 0) {
            throw new IOException("heartbeat_key_file " + path + " belongs to user id " + owner + ", not to the user"
                    + " this router runs as (" + daemonUser + ") or root: anyone who can write as that user can"
                    + " change the key; run chown " + daemonUser + " " + path);
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            throw new IOException("heartbeat_key_file " + path + " is accessible to group or others ("
                    + PosixFilePermissions.toString(permissions) + "): run chmod 600 " + path);
        }
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException("heartbeat_key_file " + path + " is not UTF-8 text: write the key as text, "
                    + "for example: (umask 077; openssl rand -hex 32 > " + path + ")", e);
        }
        int newline = content.indexOf('\n');
        String key = (newline < 0 ? content : content.substring(0, newline)).strip();
        if (key.isEmpty()) {
            throw new IOException("heartbeat_key_file " + path + " has no key on its first line: write a long "
                    + "random secret there, for example: (umask 077; openssl rand -hex 32 > " + path + ")");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < RouterPair.MIN_HEARTBEAT_KEY_BYTES) {
            throw new IOException("heartbeat_key_file " + path + ": " + shortKey("the key", bytes.length)
                    + ", for example: (umask 077; openssl rand -hex 32 > " + path + ")");
        }
        return Optional.of(bytes);
    }

    private static String shortKey(String what, int length) {
        return what + " has " + length + " bytes, fewer than " + RouterPair.MIN_HEARTBEAT_KEY_BYTES
                + ": set a long random secret";
    }
}
