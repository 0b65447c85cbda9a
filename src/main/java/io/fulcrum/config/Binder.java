package io.fulcrum.config;

import io.fulcrum.config.Node.Assignment;
import io.fulcrum.config.Node.FailoverBlock;
import io.fulcrum.config.Node.ServerBlock;
import io.fulcrum.config.Node.VirtualBlock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads every assignment of the syntax tree with its key table: unknown keys, keys in the wrong
 * scope, bad values and repeated keys are reported here, each on its own line.
 */
final class Binder {

    /** The bound file: the globals, the virtual blocks (with their servers) and the failover blocks. */
    record Bound(Scope globals, List<Scope> virtuals, List<Scope> failovers) {
    }

    private final Diagnostics diagnostics;
    private final HostNames hostNames;

    private Binder(Diagnostics diagnostics, HostNames hostNames) {
        this.diagnostics = diagnostics;
        this.hostNames = hostNames;
    }

    static Bound bind(List<Node> nodes, Diagnostics diagnostics, HostNames hostNames) {
        Binder binder = new Binder(diagnostics, hostNames);
        Scope globals = new Scope(Scope.Kind.GLOBAL, "", 0);
        List<Scope> virtuals = new ArrayList<>();
        List<Scope> failovers = new ArrayList<>();
        for (Node node : nodes) {
            switch (node) {
                case Assignment assignment -> binder.assign(globals, assignment);
                case VirtualBlock block -> virtuals.add(binder.virtual(block));
                case FailoverBlock block -> failovers.add(binder.block(Scope.Kind.FAILOVER, block.name(),
                        block.line(), block.body()));
                case ServerBlock block -> {
                    Scope orphan = binder.block(Scope.Kind.SERVER, block.name(), block.line(), block.body());
                    diagnostics.errorMessage(block.line(), "server",
                            orphan.label() + ": a server block belongs in a virtual block");
                }
            }
        }
        return new Bound(globals, List.copyOf(virtuals), List.copyOf(failovers));
    }

    private Scope virtual(VirtualBlock block) {
        Scope virtual = block(Scope.Kind.VIRTUAL, block.name(), block.line(), block.body());
        for (ServerBlock server : block.servers()) {
            virtual.servers.add(block(Scope.Kind.SERVER, server.name(), server.line(), server.body()));
        }
        return virtual;
    }

    private Scope block(Scope.Kind kind, String name, int line, List<Assignment> body) {
        Scope scope = new Scope(kind, name, line);
        body.forEach(assignment -> assign(scope, assignment));
        return scope;
    }

    private void assign(Scope scope, Assignment assignment) {
        String key = assignment.key();
        Map<String, Keys.Reader> table = Keys.of(scope.kind);
        Keys.Reader reader = table.get(key);
        if (reader == null) {
            unknown(scope.kind, assignment);
            return;
        }
        try {
            Object value = reader.read(new ValueReader(assignment, hostNames));
            Optional<Scope.Bound> previous = scope.bind(key, value, assignment.line());
            previous.ifPresent(p -> diagnostics.warning(assignment.line(), key,
                    "set again (first at line " + p.line() + "); the last value wins"));
        } catch (BadValue bad) {
            scope.invalid(key);
            diagnostics.error(assignment.line(), key, bad.getMessage());
        }
    }

    private void unknown(Scope.Kind kind, Assignment assignment) {
        String key = assignment.key();
        List<String> elsewhere = Arrays.stream(Scope.Kind.values())
                .filter(other -> other != kind && Keys.of(other).containsKey(key))
                .map(Scope.Kind::description)
                .toList();
        if (!elsewhere.isEmpty()) {
            diagnostics.errorMessage(assignment.line(), key,
                    "`" + key + "` belongs in " + elsewhere.stream().collect(Collectors.joining(" or ")));
            return;
        }
        String suggestion = Suggestions.closest(key, Keys.of(kind).keySet())
                .map(known -> "; did you mean `" + known + "`?")
                .orElse("");
        diagnostics.errorMessage(assignment.line(), key, "unknown key `" + key + "`" + suggestion);
    }
}
