package io.fulcrum.admin.wire;

import java.util.List;

/**
 * The answer to {@code POST /v1/reload}: the new file was applied (with a one-line summary), or it
 * was rejected and nothing changed (with every error, {@code FILE:LINE: message}).
 */
public record ReloadOutcome(boolean applied, String summary, List<String> errors) {

    public ReloadOutcome {
        errors = List.copyOf(errors);
        if (applied != errors.isEmpty()) {
            throw new IllegalArgumentException("a reload is applied exactly when it has no errors");
        }
        if (applied && summary == null) {
            throw new IllegalArgumentException("an applied reload needs a summary");
        }
    }

    public static ReloadOutcome applied(String summary) {
        return new ReloadOutcome(true, summary, List.of());
    }

    public static ReloadOutcome rejected(List<String> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a rejected reload needs at least one error");
        }
        return new ReloadOutcome(false, null, errors);
    }
}
