package io.fulcrum.health;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a send/expect check wants back (lvs.cf {@code expect}, {@code use_regex}). A reply is judged
 * each time more of it arrives, so that one split across segments passes once enough is in.
 */
public sealed interface Expect {

    /** The most reply bytes a check reads; nanny read 254 for a regex. */
    int REPLY_LIMIT = 4096;

    /**
     * The verdict on the first {@code length} bytes of a reply, or empty while more bytes could change it.
     *
     * @param ended no more bytes will come: the peer closed, or the datagram is complete
     */
    Optional<ProbeResult> judge(byte[] reply, int length, boolean ended);

    static Expect of(Optional<String> expect, boolean useRegex) {
        if (expect.isEmpty()) {
            return new Nothing();
        }
        if (useRegex) {
            return new Regex(Pattern.compile(expect.get()));
        }
        return expect.get().equals("*") ? new AnyByte() : new Prefix(expect.get());
    }

    /** No expect: TCP does not read at all; UDP takes any datagram. */
    record Nothing() implements Expect {
        @Override
        public Optional<ProbeResult> judge(byte[] reply, int length, boolean ended) {
            return ended || length > 0 ? Optional.of(ProbeResult.up(Replies.reply(reply, length))) : Optional.empty();
        }
    }

    /** {@code expect = "*"}: something must arrive, whatever it is. */
    record AnyByte() implements Expect {
        @Override
        public Optional<ProbeResult> judge(byte[] reply, int length, boolean ended) {
            if (length > 0) {
                return Optional.of(ProbeResult.up(Replies.reply(reply, length)));
            }
            return ended ? Optional.of(ProbeResult.down("closed without a reply")) : Optional.empty();
        }
    }

    /** The reply must start with these bytes (nanny's plain expect). */
    record Prefix(String text) implements Expect {
        public Prefix {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Optional<ProbeResult> judge(byte[] reply, int length, boolean ended) {
            byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
            int compared = Math.min(length, wanted.length);
            if (!Arrays.equals(reply, 0, compared, wanted, 0, compared)) {
                return Optional.of(ProbeResult.down("unexpected " + Replies.reply(reply, length)));
            }
            if (compared == wanted.length) {
                return Optional.of(ProbeResult.up(Replies.reply(reply, length)));
            }
            return ended ? Optional.of(ProbeResult.down("short " + Replies.reply(reply, length))) : Optional.empty();
        }
    }

    /**
     * {@code use_regex = 1}: an unanchored search over what has arrived (bytes read as ISO-8859-1, one
     * char per byte); passes as soon as it matches, fails when the reply ends or fills the limit.
     */
    record Regex(Pattern pattern) implements Expect {
        public Regex {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public Optional<ProbeResult> judge(byte[] reply, int length, boolean ended) {
            if (pattern.matcher(new String(reply, 0, length, StandardCharsets.ISO_8859_1)).find()) {
                return Optional.of(ProbeResult.up(Replies.reply(reply, length)));
            }
            return ended || length >= REPLY_LIMIT
                    ? Optional.of(ProbeResult.down("unexpected " + Replies.reply(reply, length)))
                    : Optional.empty();
        }
    }
}
