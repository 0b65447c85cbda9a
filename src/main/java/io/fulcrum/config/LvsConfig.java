package io.fulcrum.config;

import io.fulcrum.model.Config;
import io.fulcrum.model.DaemonSettings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
        return parse(source, decode(bytes));
    }

    /**
     * The daemon's own settings (state_dir, control_socket, pid_file, engine) as far as the file
     * can be read: errors elsewhere do not hide them, a bad value of one of them leaves its default.
     * The control commands find the running daemon this way even when its file was edited badly.
     */
    public static DaemonSettings daemonSettings(Path file) {
        try {
            Diagnostics ignored = new Diagnostics(file.toString());
            List<Node> nodes = Parser.parse(Lexer.lex(decode(Files.readAllBytes(file)), ignored), ignored);
            return Validator.daemon(Binder.bind(nodes, ignored).globals());
        } catch (IOException e) {
            return DaemonSettings.DEFAULT;
        }
    }

    /** UTF-8, or ISO-8859-1 for a file that is not (an old router's editor), so that no byte is lost. */
    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** Parses lvs.cf text, reporting every error and warning at once. */
    public static ConfigResult parse(String sourceName, String text) {
        Diagnostics diagnostics = new Diagnostics(sourceName);
        List<Line> lines = Lexer.lex(text, diagnostics);
        Optional<Line> keepalived = KeepalivedSyntax.firstBlock(lines);
        if (keepalived.isPresent()) {
            Line first = keepalived.get();
            Diagnostic foreign = new Diagnostic(sourceName, first.number(), first.tokens().getFirst().text(),
                    KeepalivedSyntax.message(first), Severity.ERROR);
            return new ConfigResult(Optional.empty(), List.of(foreign), List.of());
        }
        List<Node> nodes = Parser.parse(lines, diagnostics);
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
