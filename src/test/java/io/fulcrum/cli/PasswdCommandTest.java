package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.admin.Role;
import io.fulcrum.admin.Users;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PasswdCommandTest {

    @TempDir
    Path dir;

    private final InputStream stdin = System.in;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void restoreStdin() {
        System.setIn(stdin);
    }

    private int run(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void setsAUserInTheFileBesideTheLvsCfFromOneLineOfStdin() throws Exception {
        Path config = dir.resolve("lvs.cf");
        Files.writeString(config, "serial_no = 1\n");

        assertThat(run("pa55 word\nignored\n", "passwd", "--role", "admin", "-c", config.toString(), "alice"))
                .as(err.toString()).isZero();

        Path users = dir.resolve("fulcrum.users");
        assertThat(out.toString()).isEqualTo("fulcrum passwd: alice (admin) set in " + users + "\n");
        assertThat(Users.read(users).check("alice", "pa55 word")).contains(Role.ADMIN);
        assertThat(run("view\n", "passwd", "-c", config.toString(), "bob")).isZero();
        assertThat(Users.read(users).check("bob", "view")).as("viewer by default").contains(Role.VIEWER);
    }

    @Test
    void followsAdminUsersInTheLvsCf() throws Exception {
        Path config = dir.resolve("lvs.cf");
        Path users = dir.resolve("elsewhere/users");
        Files.writeString(config, "admin_users = " + users + "\n");

        assertThat(run("x\n", "passwd", "-c", config.toString(), "carol")).isZero();

        assertThat(Users.read(users).check("carol", "x")).contains(Role.VIEWER);
    }

    @Test
    void refusesAnEmptyPasswordABadRoleAndABadNameAndWritesNothing() {
        Path config = dir.resolve("lvs.cf");
        assertThat(run("\n", "passwd", "-c", config.toString(), "alice")).isEqualTo(1);
        assertThat(err.toString()).contains("fulcrum passwd: an empty password; nothing changed");
        assertThat(run("x\n", "passwd", "--role", "root", "-c", config.toString(), "alice")).isEqualTo(2);
        assertThat(err.toString()).contains("--role: expected admin or viewer, got `root`");
        assertThat(run("x\n", "passwd", "-c", config.toString(), "al:ice")).isEqualTo(2);
        assertThat(err.toString()).contains("al:ice: a user name is 1 to 64 letters");
        assertThat(run("y".repeat(73) + "\n", "passwd", "-c", config.toString(), "alice")).isEqualTo(1);
        assertThat(err.toString()).contains("longer than 72 bytes");
        assertThat(dir.resolve("fulcrum.users")).doesNotExist();
    }
}
