package io.fulcrum.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The API's users file: one {@code USER:ROLE:BCRYPT} line per user ({@code #} starts a comment),
 * mode 0600, written by {@code fulcrum passwd}. It is read again for every login, so a change takes
 * effect without a restart.
 */
public final class Users {

    /** bcrypt's cost: 2^10 rounds, some 50 ms of one core per login on a small router. */
    static final int COST = 10;
    /** bcrypt reads at most 72 bytes of a password. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Compared against when the user does not exist, so that a login takes as long either way. */
    private static final String ABSENT = OpenBSDBCrypt.generate("2y", "absent".toCharArray(), salt(), COST);

    private record Entry(Role role, String hash) {
    }

    private final Map<String, Entry> entries;

    private Users(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** The users of {@code file}; none when it does not exist. A malformed line is an error naming it. */
    public static Users read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return new Users(Map.of());
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(":", 3);
            Optional<Role> role = fields.length == 3 ? Role.byName(fields[1]) : Optional.empty();
            if (role.isEmpty() || !NAME.matcher(fields[0]).matches() || !fields[2].startsWith("$2")) {
                throw new IOException(file + ":" + (i + 1) + ": expected USER:ROLE:BCRYPT-HASH (ROLE admin or viewer)");
            }
            entries.put(fields[0], new Entry(role.get(), fields[2]));
        }
        return new Users(entries);
    }

    /** The user's role when the password is right. */
    public Optional<Role> check(String user, String password) {
        Entry entry = entries.get(user);
        boolean right = OpenBSDBCrypt.checkPassword(entry == null ? ABSENT : entry.hash(), password.toCharArray());
        return right && entry != null ? Optional.of(entry.role()) : Optional.empty();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** A user name the file can hold, or an explanation of why not. */
    public static Optional<String> badName(String user) {
        return NAME.matcher(user).matches() ? Optional.empty()
                : Optional.of("a user name is 1 to 64 letters, digits, '_', '.', '@' or '-'");
    }

    /**
     * Sets (adds or replaces) one user's role and password, keeping the other lines, and writes the
     * file again as a whole (a temporary file renamed over it), mode 0600.
     */
    public static void set(Path file, String user, Role role, char[] password) throws IOException {
        badName(user).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        String hash = OpenBSDBCrypt.generate("2y", password, salt(), COST);
        List<String> lines = new ArrayList<>();
        try {
            lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException none) {
            lines.add("# Fulcrum API users: USER:ROLE:BCRYPT-HASH, written by `fulcrum passwd`");
        }
        String line = user + ":" + role.lvsName() + ":" + hash;
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(user + ":")) {
                lines.set(i, line);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(line);
        }
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }
}
