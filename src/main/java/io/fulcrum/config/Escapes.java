package io.fulcrum.config;

/**
 * nanny's backslash escapes in {@code send} and {@code expect}: {@code \n \r \t \\ \' \"}.
 * Any other backslash sequence is kept as written (nanny looped forever on one), so a regex
 * such as {@code 1\.[01]} means what it says.
 */
final class Escapes {

    private Escapes() {
    }

    static String translate(String written) {
        StringBuilder out = new StringBuilder(written.length());
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c != '\\' || i + 1 == written.length()) {
                out.append(c);
                continue;
            }
            char next = written.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case '\\', '\'', '"' -> out.append(next);
                default -> out.append('\\').append(next);
            }
        }
        return out.toString();
    }

    /** The inverse of {@link #translate}, for a value the writer puts in double quotes. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
