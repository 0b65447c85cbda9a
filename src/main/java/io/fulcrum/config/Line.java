package io.fulcrum.config;

import java.util.List;

/**
 * A non-empty lvs.cf line split into tokens.
 *
 * @param content the line without its line ending and trailing comment, for command values
 */
record Line(int number, List<Token> tokens, String content) {
    Line {
        tokens = List.copyOf(tokens);
    }
}
