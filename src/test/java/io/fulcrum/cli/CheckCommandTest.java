package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.net.HostAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.net.InetAddress;
import java.nio.file.Path;
import java.io.IOException;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(Path file) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute("check", "-c", file.toString());
    }

    @Test
    void theProjectExampleIsAcceptedWithAOneLineSummary() {
        int exit = check(Path.of("examples/lvs.cf"));

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString().lines().findFirst()).get().asString()
                .startsWith("examples/lvs.cf: OK: ")
                .contains("virtual server")
                .contains("real server");
    }

    @Test
    void thePiranhaReferenceExampleIsAccepted() {
        int exit = check(Path.of("src/test/resources/piranha-example.lvs.cf"));

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("3 virtual servers (3 active)")
                .contains("7 real servers (6 active)")
                .contains("router pair 203.0.113.10 / 203.0.113.11");
    }

    @Test
    void aBrokenFileFailsWithEveryErrorAsFileAndLine() throws IOException {
        Path file = dir.resolve("broken.cf");
        Files.writeString(file, """
                serial_no = 1
                primary = 10.0.0.1
                virtual web {
                     active = 1
                     address = 10.0.0.100 eth0:1
                     scheduler = fastest
                     server a {
                          address = 10.0.0.11
                          active = 1
                          wieght = 3
                     }
                }
                """);

        int exit = check(file);

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        // check applies nothing, valid file or not: it says whether the file is valid
        assertThat(err.toString().lines().toList().getLast()).isEqualTo(file + ": 2 errors, not valid");
        assertThat(err.toString())
                .contains(file + ":6: ")
                .contains("fastest")
                .contains(file + ":10: ")
                .contains("did you mean");
    }

    @Test
    void aMissingFileIsAnErrorNotAStackTrace() {
        int exit = check(dir.resolve("nope.cf"));

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("nope.cf").doesNotContain("Exception");
    }

    @Test
    void theFloatingAddressesAreListedWithThePrefixTheDaemonWillUse() throws IOException {
        Path file = dir.resolve("lvs.cf");
        Files.writeString(file, """
                network = nat
                nat_router = 10.11.12.254 eth1:1
                nat_nmask = 255.255.255.0
                virtual web {
                     active = 1
                     address = 192.168.26.100 eth0:1
                     vip_nmask = 0.0.0.0
                }
                """);
        ReadOnlyHost host = new ReadOnlyHost(
                Map.of("eth0", List.of(HostAddress.onDevice(InetAddress.ofLiteral("192.168.26.2"), 24, "eth0"))));
        CommandLine cli = new CommandLine(new CheckCommand(() -> host));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("-c", file.toString())).as(err.toString()).isZero();

        assertThat(out.toString().lines().skip(1).toList()).containsExactly(
                "floating addresses, as this host would bring them up when active:",
                "  192.168.26.100/24 on eth0:1 (vip_nmask not given: the prefix of 192.168.26.2/24 on eth0, which covers it)",
                "  10.11.12.254/24 on eth1:1 (from nat_nmask)");
    }

    /** check refuses a heartbeat key file that run would refuse at start, naming file, line and key. */
    @Test
    void aKeyFileThatRunWouldRefuseIsAnError() throws IOException {
        Path key = dir.resolve("heartbeat.key");
        Files.writeString(key, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path file = dir.resolve("lvs.cf");
        Files.writeString(file, """
                serial_no = 1
                primary = 10.0.0.1
                backup_active = 1
                backup = 10.0.0.2
                heartbeat_key_file = %s
                virtual web {
                     active = 1
                     address = 10.0.0.100 eth0:1
                     server a {
                          address = 10.0.0.11
                          active = 1
                     }
                }
                """.formatted(key));

        assertThat(check(file)).isEqualTo(1);
        assertThat(err.toString()).contains(file + ":5: heartbeat_key_file " + key + " is accessible to group or others",
                "chmod 600");

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        err.getBuffer().setLength(0);
        assertThat(check(file)).as(err.toString()).isZero();

        Files.writeString(key, "short\n");
        assertThat(check(file)).isEqualTo(1);
        assertThat(err.toString()).contains(file + ":5: heartbeat_key_file " + key + ": the key has 5 bytes");
    }

    @Test
    void aKeyFileThatIsNotOnThisHostIsAWarning() throws IOException {
        Path file = dir.resolve("lvs.cf");
        Files.writeString(file, """
                serial_no = 1
                primary = 10.0.0.1
                backup_active = 1
                backup = 10.0.0.2
                heartbeat_key_file = /nonexistent/heartbeat.key
                virtual web {
                     active = 1
                     address = 10.0.0.100 eth0:1
                     server a {
                          address = 10.0.0.11
                          active = 1
                     }
                }
                """);

        assertThat(check(file)).as(err.toString()).isZero();
        assertThat(err.toString()).contains(file + ":5: warning: heartbeat_key_file /nonexistent/heartbeat.key does not"
                + " exist on this host");
    }

    @Test
    void aFileWithManyErrorsPrintsFiftyAndCountsTheRest() throws IOException {
        Path file = dir.resolve("many.cf");
        Files.writeString(file, "virtual v {\n active = 1\n address = 10.0.0.1\n}\n" + "no_such_key = 1\n".repeat(120));

        int exit = check(file);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines().filter(l -> l.contains("unknown key"))).hasSize(50);
        assertThat(err.toString()).contains("... and 70 more").contains("120 errors, not valid");
    }
}
