package io.fulcrum.config;

import io.fulcrum.model.Config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The outcome of parsing one lvs.cf: a config only when there is no error, and every finding. */
public record ConfigResult(Optional<Config> config, List<Diagnostic> errors, List<Diagnostic> warnings) {

    public ConfigResult {
        Objects.requireNonNull(config, "config");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if (config.isPresent() != errors.isEmpty()) {
            throw new IllegalArgumentException("a config is present exactly when there are no errors");
        }
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
