package io.fulcrum.config;

import java.util.Objects;

/**
 * One finding about an lvs.cf file.
 *
 * @param line    1-based; 0 for findings about the whole file
 * @param key     the key (or block keyword) the finding is about; empty for the whole file
 * @param message the full text, naming the key, e.g. {@code weight: 70000 is out of range 0..65535}
 */
public record Diagnostic(String source, int line, String key, String message, Severity severity) {

    public Diagnostic {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
        if (line < 0) {
            throw new IllegalArgumentException("line is negative: " + line);
        }
    }

    /**
     * {@code SOURCE:LINE: message} ({@code SOURCE: message} for the whole file), with
     * {@code warning: } before the message of a warning, as compilers write them.
     */
    @Override
    public String toString() {
        String text = severity == Severity.WARNING ? "warning: " + message : message;
        return line == 0 ? source + ": " + text : source + ":" + line + ": " + text;
    }
}
