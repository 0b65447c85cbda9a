package io.fulcrum.cli;

import io.fulcrum.admin.Role;
import io.fulcrum.admin.Users;
import io.fulcrum.config.LvsConfig;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum passwd USER}: sets an API user's password (bcrypt) and role in the users file the
 * daemon of the lvs.cf reads ({@code admin_users}, or {@code fulcrum.users} beside the lvs.cf).
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = {"Set the password and role of a user of the REST API.",
                "The password is read from the terminal (twice), or as one line from standard input when it is not"
                        + " a terminal. The daemon reads the users file at every login: no restart needed."})
final class PasswdCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "viewer",
            description = "admin (reads and writes) or viewer (reads only); default: ${DEFAULT-VALUE}.")
    private String role;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = CheckCommand.DEFAULT_CONFIG,
            description = "The lvs.cf whose users file to write (default: ${DEFAULT-VALUE}).")
    private Path config;

    @Parameters(paramLabel = "USER", description = "The user name.")
    private String user;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Role chosen = Role.byName(role.toLowerCase(Locale.ROOT)).orElse(null);
        if (chosen == null) {
            err.println("fulcrum passwd: --role: expected admin or viewer, got `" + role + "`");
            return 2;
        }
        if (Users.badName(user).isPresent()) {
            err.println("fulcrum passwd: " + user + ": " + Users.badName(user).get());
            return 2;
        }
        char[] password = read(err);
        if (password == null) {
            return 1;
        }
        Path file = LvsConfig.daemonSettings(config).usersFile(config);
        try {
            Users.set(file, user, chosen, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        spec.commandLine().getOut().println("fulcrum passwd: " + user + " (" + chosen.lvsName() + ") set in " + file);
        return 0;
    }

    private char[] read(PrintWriter err) throws IOException {
        Console console = System.console();
        char[] password;
        if (console != null && console.isTerminal()) {
            password = console.readPassword("Password for %s: ", user);
            char[] again = console.readPassword("Again: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                err.println("fulcrum passwd: the two passwords differ; nothing changed");
                return null;
            }
            Arrays.fill(again, '\0');
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length == 0) {
            err.println("fulcrum passwd: an empty password; nothing changed");
            return null;
        }
        if (new String(password).getBytes(StandardCharsets.UTF_8).length > Users.MAX_PASSWORD_BYTES) {
            err.println("fulcrum passwd: longer than " + Users.MAX_PASSWORD_BYTES + " bytes, all bcrypt reads; nothing changed");
            return null;
        }
        return password;
    }
}
