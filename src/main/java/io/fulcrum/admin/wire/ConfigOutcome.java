package io.fulcrum.admin.wire;

import java.util.List;
import java.util.Objects;

/**
 * The answer to {@code PUT /v1/config}.
 *
 * @param outcome  {@code applied} (written and reloaded), {@code invalid} (rejected: every error,
 *                 nothing changed) or {@code stale} (the text was edited from an older serial_no:
 *                 nothing changed)
 * @param serialNo the serial_no of the file in force now
 * @param summary  what was applied, for {@code applied}; null otherwise
 * @param errors   every error as {@code FILE:LINE: message}; empty for {@code applied}
 */
public record ConfigOutcome(String outcome, long serialNo, String summary, List<String> errors) {

    public ConfigOutcome {
        Objects.requireNonNull(outcome, "outcome");
        errors = List.copyOf(errors);
    }
}
