package io.fulcrum.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits lvs.cf text into lines of tokens (piranha.md 1.1, with Fulcrum's deviations): blanks
 * separate tokens, {@code "..."} or {@code '...'} quote a token, the first unquoted {@code =} of a
 * line is a token of its own even without blanks around it, a {@code #} at the start of a token
 * starts a comment, and CR LF endings are accepted.
 */
final class Lexer {

    private Lexer() {
    }

    /** The lines that hold tokens; a line with an unterminated quote is reported and left out. */
    static List<Line> lex(String text, Diagnostics diagnostics) {
        List<Line> lines = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            lexLine(i + 1, line, diagnostics, lines);
        }
        return lines;
    }

    private static void lexLine(int number, String line, Diagnostics diagnostics, List<Line> lines) {
        List<Token> tokens = new ArrayList<>();
        boolean seenEquals = false;
        int end = line.length();
        int i = 0;
        while (i < end) {
            char c = line.charAt(i);
            if (isBlank(c)) {
                i++;
            } else if (c == '#' && (i == 0 || isBlank(line.charAt(i - 1)))) {
                end = i;
            } else if (c == '"' || c == '\'') {
                int close = closingQuote(line, i);
                if (close < 0) {
                    String key = tokens.isEmpty() ? "" : tokens.getFirst().text();
                    diagnostics.errorMessage(number, key,
                            (key.isEmpty() ? "" : key + ": ") + "unterminated quote " + c);
                    return;
                }
                tokens.add(new Token(line.substring(i + 1, close), true, i));
                i = close + 1;
            } else if (c == '=' && !seenEquals) {
                tokens.add(new Token("=", false, i));
                seenEquals = true;
                i++;
            } else {
                int j = i;
                while (j < end && !isBlank(line.charAt(j)) && !(line.charAt(j) == '=' && !seenEquals)) {
                    j++;
                }
                tokens.add(new Token(line.substring(i, j), false, i));
                i = j;
            }
        }
        if (!tokens.isEmpty()) {
            lines.add(new Line(number, tokens, line.substring(0, end)));
        }
    }

    /** A backslash hides the next character, so {@code "say \"hi\""} is one token. */
    private static int closingQuote(String line, int open) {
        char quote = line.charAt(open);
        for (int j = open + 1; j < line.length(); j++) {
            char c = line.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == quote) {
                return j;
            }
        }
        return -1;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
