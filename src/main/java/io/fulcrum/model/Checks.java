package io.fulcrum.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Invariant checks shared by the records' compact constructors. */
final class Checks {

    private Checks() {
    }

    static void port(int port, String what) {
        inRange(port, 0, 65535, what);
    }

    static void inRange(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " out of range " + min + ".." + max + ": " + value);
        }
    }

    static void notNegative(Duration duration, String what) {
        if (Objects.requireNonNull(duration, what).isNegative()) {
            throw new IllegalArgumentException(what + " is negative: " + duration);
        }
    }

    /** An optional text is either absent or non-blank: lvs.cf has no way to say "present but empty". */
    static void text(Optional<String> text, String what) {
        if (Objects.requireNonNull(text, what).filter(String::isEmpty).isPresent()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }

    static void notEmpty(String text, String what) {
        if (Objects.requireNonNull(text, what).isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }

    static void name(String name, String what) {
        if (Objects.requireNonNull(name, what).isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(what + " must be one word: '" + name + "'");
        }
    }
}
