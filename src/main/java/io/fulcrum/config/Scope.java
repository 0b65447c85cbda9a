package io.fulcrum.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The values bound in one scope of the file (the globals or one block), each with its line. */
final class Scope {

    /** The scopes of lvs.cf; each has its own key table in {@link Keys}. */
    enum Kind {
        GLOBAL("the global section"),
        VIRTUAL("a virtual block"),
        SERVER("a server block"),
        FAILOVER("a failover block");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /** A bound value and the line it came from. */
    record Bound(Object value, int line) {
    }

    final Kind kind;
    final String name;
    final int line;
    final List<Scope> servers = new ArrayList<>();
    private final Map<String, Bound> values = new LinkedHashMap<>();
    private final Set<String> invalid = new HashSet<>();

    Scope(Kind kind, String name, int line) {
        this.kind = kind;
        this.name = name;
        this.line = line;
    }

    /** Binds a value; returns the previous binding of the key, if any. */
    Optional<Bound> bind(String key, Object value, int line) {
        invalid.remove(key);
        return Optional.ofNullable(values.put(key, new Bound(value, line)));
    }

    /** Remembers that the key was given with a bad value, so it is not also reported as missing. */
    void invalid(String key) {
        invalid.add(key);
    }

    boolean isMissing(String key) {
        return !values.containsKey(key) && !invalid.contains(key);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    <T> Optional<T> get(String key, Class<T> type) {
        return Optional.ofNullable(values.get(key)).map(b -> type.cast(b.value()));
    }

    <T> T get(String key, Class<T> type, T otherwise) {
        return get(key, type).orElse(otherwise);
    }

    /** The list bound to the key, whose elements the key table guarantees to be of the type. */
    <T> List<T> list(String key, Class<T> elementType) {
        List<?> values = get(key, List.class, List.of());
        return values.stream().map(elementType::cast).toList();
    }

    /** The line the key was set on, or the block's own line when it was not set. */
    int lineOf(String key) {
        Bound bound = values.get(key);
        return bound == null ? line : bound.line();
    }

    /** {@code virtual www}, {@code server web1}, or {@code globals}. */
    String label() {
        return kind == Kind.GLOBAL ? "globals" : (kind.name().toLowerCase(Locale.ROOT) + " " + name).strip();
    }
}
