package io.fulcrum.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Collects every finding of one parse; nothing stops at the first error. */
final class Diagnostics {

    private final String source;
    private final List<Diagnostic> all = new ArrayList<>();

    Diagnostics(String source) {
        this.source = source;
    }

    /** An error whose message starts with the key: {@code key: detail}. */
    void error(int line, String key, String detail) {
        add(line, key, key + ": " + detail, Severity.ERROR);
    }

    void warning(int line, String key, String detail) {
        add(line, key, key + ": " + detail, Severity.WARNING);
    }

    /** An error whose message is given whole (it names the key in its own words). */
    void errorMessage(int line, String key, String message) {
        add(line, key, message, Severity.ERROR);
    }

    boolean hasErrors() {
        return all.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }

    /** In file order; findings on one line keep the order they were found in. */
    List<Diagnostic> list(Severity severity) {
        return all.stream()
                .filter(d -> d.severity() == severity)
                .sorted(Comparator.comparingInt(Diagnostic::line))
                .toList();
    }

    private void add(int line, String key, String message, Severity severity) {
        all.add(new Diagnostic(source, line, key, named(message), severity));
    }

    /**
     * The text with every character a terminal shows as a blank or not at all (a no-break space
     * pasted from a web page, a zero-width space, a control character) replaced by its code point
     * and name, e.g. {@code <U+00A0 NO-BREAK SPACE>}: otherwise {@code unknown key `port `} would
     * not say what is wrong.
     */
    private static String named(String text) {
        if (text.codePoints().noneMatch(Diagnostics::invisible)) {
            return text;
        }
        StringBuilder named = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (invisible(c)) {
                String name = Objects.requireNonNullElse(Character.getName(c), "UNASSIGNED");
                named.append(String.format("<U+%04X %s>", c, name));
            } else {
                named.appendCodePoint(c);
            }
        });
        return named.toString();
    }

    private static boolean invisible(int c) {
        if (c == ' ' || c == '\t') {
            return false;
        }
        return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT;
    }
}
