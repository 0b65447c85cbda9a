package io.fulcrum.config;

/**
 * A word of an lvs.cf line.
 *
 * @param text   the word; for a quoted word, what is between the quotes, backslashes untouched
 * @param quoted whether it was written in quotes (a quoted {@code =} or {@code }} is just text)
 * @param start  offset of the first character (the opening quote) in the line
 */
record Token(String text, boolean quoted, int start) {

    boolean is(String bare) {
        return !quoted && text.equals(bare);
    }
}
