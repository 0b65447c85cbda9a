package io.fulcrum.admin;

import io.fulcrum.admin.wire.ConfigOutcome;
import io.fulcrum.admin.wire.ReloadOutcome;
import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lvs.cf as the API reads and writes it. A new text is validated as {@code fulcrum check}
 * validates a file, must carry the serial_no of the file it was edited from, and is then written
 * with serial_no + 1: the previous file becomes {@code lvs.cf.1} (older ones move to {@code .2} ...
 * {@code .10}; the oldest goes), the new one takes its place by an atomic rename, and the daemon
 * reloads it. Should the reload fail (a new VIP:port taken by another program), the previous file
 * is renamed back and the versions move back. Writes run one at a time.
 */
public final class ConfigStore {

    static final int KEPT_VERSIONS = 10;

    private static final Pattern SERIAL = Pattern.compile("(?m)^([ \\t]*serial_no[ \\t]*=[ \\t]*)(\\d+)");

    /** What a write did, with the diff summary for the audit line. */
    public record Written(ConfigOutcome outcome, String diff) {
    }

    private final Path file;
    private final ReloadHandler reload;
    private final Object writes = new Object();

    public ConfigStore(Path file, ReloadHandler reload) {
        this.file = file.toAbsolutePath();
        this.reload = Objects.requireNonNull(reload, "reload");
    }

    public String read() throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    public Written write(String text) throws IOException {
        synchronized (writes) {
            String previous = read();
            long serial = serial(previous);
            ConfigResult checked = LvsConfig.parse(file.toString(), text);
            if (checked.config().isEmpty()) {
                return new Written(new ConfigOutcome("invalid", serial, null,
                        LvsConfig.shown(checked.errors())), "");
            }
            long edited = checked.config().get().serialNo();
            if (edited != serial) {
                return new Written(new ConfigOutcome("stale", serial, null, List.of(file + ": serial_no " + edited
                        + " is not the serial_no of the file in force (" + serial + "): it was changed meanwhile;"
                        + " GET /v1/config again and edit that")), "");
            }
            String next = withSerial(text, serial + 1);
            rotate();
            replace(next);
            ReloadOutcome outcome = reload.reload();
            if (!outcome.applied()) {
                restore();
                return new Written(new ConfigOutcome("invalid", serial, null, outcome.errors()), "");
            }
            return new Written(new ConfigOutcome("applied", serial + 1, outcome.summary(), List.of()),
                    diff(previous, next));
        }
    }

    /** The file's serial_no as written in it; 0 without one. */
    static long serial(String text) {
        Matcher serial = SERIAL.matcher(text);
        return serial.find() ? Long.parseLong(serial.group(2)) : 0;
    }

    static String withSerial(String text, long serial) {
        Matcher matcher = SERIAL.matcher(text);
        return matcher.find() ? matcher.replaceFirst("$1" + serial) : "serial_no = " + serial + "\n" + text;
    }

    /** {@code +A -R lines}: lines added and removed, as a multiset (moved lines count as neither). */
    static String diff(String before, String after) {
        Map<String, Integer> count = new HashMap<>();
        before.lines().forEach(line -> count.merge(line, -1, Integer::sum));
        after.lines().forEach(line -> count.merge(line, 1, Integer::sum));
        int added = count.values().stream().filter(c -> c > 0).mapToInt(Integer::intValue).sum();
        int removed = -count.values().stream().filter(c -> c < 0).mapToInt(Integer::intValue).sum();
        return "+" + added + " -" + removed + " lines";
    }

    private Path version(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    /** The previous file becomes .1, .1 becomes .2, ...; the oldest goes. */
    private void rotate() throws IOException {
        Files.deleteIfExists(version(KEPT_VERSIONS));
        for (int n = KEPT_VERSIONS - 1; n >= 1; n--) {
            if (Files.exists(version(n))) {
                Files.move(version(n), version(n + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Path copy = file.resolveSibling("." + file.getFileName() + ".1.new");
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        Files.move(copy, version(1), StandardCopyOption.ATOMIC_MOVE);
    }

    private void restore() throws IOException {
        Files.move(version(1), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (int n = 2; n <= KEPT_VERSIONS; n++) {
            if (Files.exists(version(n))) {
                Files.move(version(n), version(n - 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** Written and synced under a temporary name, then renamed: a reader sees the old file or the new, never part. */
    private void replace(String text) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(StandardCharsets.UTF_8.encode(text));
            channel.force(true);
        }
        try {
            Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(file));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
