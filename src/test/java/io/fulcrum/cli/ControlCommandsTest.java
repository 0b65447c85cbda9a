package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.admin.ControlServer;
import io.fulcrum.admin.IpvsadmFormat;
import io.fulcrum.admin.StatusSource;
import io.fulcrum.admin.WireSamples;
import io.fulcrum.admin.wire.ReloadOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fulcrum status} and {@code fulcrum reload} against a real control socket with fake sources. */
class ControlCommandsTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private ReloadOutcome nextReload = ReloadOutcome.applied("lvs.cf: OK: 4 virtual servers (4 active)");
    private ControlServer server;

    private final StatusSource source = WireSamples.source(WireSamples::table);

    private Path socket() {
        return dir.resolve("state/fulcrum.sock");
    }

    private void startDaemon() throws IOException {
        server = ControlServer.start(socket(), source, () -> nextReload);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void statusPrintsTheTableAsIpvsadmListsIt() throws IOException {
        startDaemon();

        int exit = run("status", "--socket", socket().toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo(IpvsadmFormat.list(WireSamples.table()));
    }

    @Test
    void statusTakesIpvsadmsListingOptions() throws IOException {
        startDaemon();

        assertThat(run("status", "--stats", "--socket", socket().toString())).isZero();
        assertThat(out.toString()).isEqualTo(IpvsadmFormat.stats(WireSamples.table()));
        out.getBuffer().setLength(0);

        assertThat(run("status", "--rate", "--socket", socket().toString())).isZero();
        assertThat(out.toString()).isEqualTo(IpvsadmFormat.rate(WireSamples.table()));
        out.getBuffer().setLength(0);

        assertThat(run("status", "-c", "--socket", socket().toString())).isZero();
        assertThat(out.toString()).isEqualTo(IpvsadmFormat.connections(WireSamples.connections()))
                .startsWith("IPVS connection entries\n");
        out.getBuffer().setLength(0);

        assertThat(run("status", "--connection", "--socket", socket().toString())).isZero();
        assertThat(out.toString()).startsWith("IPVS connection entries\n");
    }

    @Test
    void statusFindsTheSocketFromTheConfigsControlSocket() throws IOException {
        startDaemon();
        Path config = dir.resolve("lvs.cf");
        Files.writeString(config, """
                primary = 10.0.0.1
                control_socket = %s
                virtual web {
                     active = 1
                     address = 10.0.0.100 eth0:1
                     server a {
                          address = 192.168.10.11
                          active = 1
                     }
                }
                """.formatted(socket()));

        int exit = run("status", "--config", config.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Fulcrum version 0.1.0 (engine=proxy (epoll))\n");
    }

    /** The running daemon's file after a bad edit: its state_dir still says where the socket is. */
    private Path editedBadly() throws IOException {
        Path config = dir.resolve("lvs.cf");
        Files.writeString(config, """
                primary = 10.0.0.1
                state_dir = %s
                bogus_key = 1
                virtual web {
                     active = 1
                     address = 10.0.0.100 eth0:1
                     scheduler = fastest
                }
                """.formatted(socket().getParent()));
        return config;
    }

    @Test
    void statusFindsTheSocketInAFileWithErrorsAndNamesThem() throws IOException {
        startDaemon();
        Path config = editedBadly();

        int exit = run("status", "--config", config.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Fulcrum version 0.1.0 (engine=proxy (epoll))\n");
        List<String> said = err.toString().lines().toList();
        assertThat(said).hasSize(3);
        assertThat(said.get(0)).isEqualTo(config + ":3: unknown key `bogus_key`");
        assertThat(said.get(1)).startsWith(config + ":7: scheduler: unknown scheduler `fastest`");
        assertThat(said.get(2)).isEqualTo(config + ": 2 errors remain (a reload would be rejected); control socket "
                + socket());
    }

    @Test
    void reloadFindsTheSocketInAFileWithErrorsAndLetsTheDaemonListThem() throws IOException {
        nextReload = ReloadOutcome.rejected(List.of("lvs.cf:3: unknown key `bogus_key`"));
        startDaemon();
        Path config = editedBadly();

        int exit = run("reload", "--config", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(config + ": 2 errors remain (a reload would be rejected); control socket "
                + socket() + "\n" + """
                lvs.cf:3: unknown key `bogus_key`
                reload rejected: 1 error; the daemon keeps its current configuration
                """);
    }

    @Test
    void aConfigThatCannotBeReadAsksForTheSocket() {
        Path config = dir.resolve("missing.cf");

        int exit = run("status", "--config", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains(config + ": cannot read").contains("pass --socket PATH");
    }

    @Test
    void theListingOptionsExcludeEachOtherAndSocketExcludesConfig() {
        assertThat(run("status", "-c", "--stats")).isEqualTo(2);
        assertThat(run("status", "--socket", "a", "--config", "b")).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void withoutADaemonStatusSaysSoInOneLine() {
        int exit = run("status", "--socket", socket().toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("fulcrum status: no Fulcrum daemon is listening on " + socket()
                + ": is it running? (fulcrum run -c FILE)\n");
    }

    @Test
    void anAppliedReloadPrintsTheSummary() throws IOException {
        startDaemon();

        int exit = run("reload", "--socket", socket().toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("reloaded: lvs.cf: OK: 4 virtual servers (4 active)\n");
    }

    @Test
    void aRejectedReloadPrintsEveryErrorAndExits1() throws IOException {
        nextReload = ReloadOutcome.rejected(List.of("lvs.cf:6: unknown scheduler 'fastest'",
                "lvs.cf:10: unknown key 'wieght': did you mean 'weight'?"));
        startDaemon();

        int exit = run("reload", "--socket", socket().toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("""
                lvs.cf:6: unknown scheduler 'fastest'
                lvs.cf:10: unknown key 'wieght': did you mean 'weight'?
                reload rejected: 2 errors; the daemon keeps its current configuration
                """);
    }

    @Test
    void withoutADaemonReloadSaysSo() {
        int exit = run("reload", "--socket", socket().toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("fulcrum reload: no Fulcrum daemon is listening on " + socket());
    }

    @Test
    void statusHelpExplainsThatMinusCIsTheConnectionList() {
        run("status", "--help");

        assertThat(out.toString()).contains("-c, --connection").contains("--config=FILE").contains("--socket=PATH");
        // where a user meets IPVS's linger: a closed connection still counts, and holds what it held
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("-c means the connection list")
                .contains("A closed connection is not listed, but as in IPVS (TIME_WAIT) it stays in the InActConn")
                .contains("for tcpfin_timeout (120 s by default), counting towards u_threshold and keeping its"
                        + " persistence template alive")
                .contains("ends with the note `sorry server`");
    }
}
