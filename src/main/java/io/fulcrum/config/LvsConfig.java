package io.fulcrum.config;

import io.fulcrum.model.Config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads and writes lvs.cf: the entry points used by the CLI, the daemon and the admin API. */
public final class LvsConfig {

    private LvsConfig() {
    }

    /** Parses a file; diagnostics name it as {@code file.toString()}. */
    public static ConfigResult parse(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            Diagnostic unreadable = new Diagnostic(source, 0, "", "cannot read: " + reason(e), Severity.ERROR);
            return new ConfigResult(Optional.empty(), List.of(unreadable), List.of());
        }
        return parse(source, new String(bytes, StandardCharsets.UTF_8));
    }

    /** Parses lvs.cf text, reporting every error and warning at once. */
    public static ConfigResult parse(String sourceName, String text) {
        Diagnostics diagnostics = new Diagnostics(sourceName);
        List<Node> nodes = Parser.parse(Lexer.lex(text, diagnostics), diagnostics);
        Optional<Config> config = Validator.validate(Binder.bind(nodes, diagnostics), diagnostics);
        return new ConfigResult(config, diagnostics.list(Severity.ERROR), diagnostics.list(Severity.WARNING));
    }

    /** Renders a config as lvs.cf text that parses back to an equal config. */
    public static String write(Config config) {
        return Writer.write(config);
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
