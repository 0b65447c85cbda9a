package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.net.Addresses;
import io.fulcrum.net.HostAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Real lvs.cf files, as Piranha's GUI wrote them (its field order, indents and leftovers: the
 * nat_nmask it always writes, the "[server_name]" placeholder of a new virtual server) and as
 * people wrote them by hand (tabs, CR LF, ISO-8859-1 comments): pulse ran every one of them, so
 * {@code fulcrum check} must accept every one. A refusal here is a bug like a crash.
 */
class PiranhaCorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/piranha-corpus");

    /** The warnings each file is expected to draw; a file not listed draws none. */
    private static final Map<String, List<String>> WARNINGS = Map.of(
            "gui-nat-pair.cf", List.of("gui-nat-pair.cf:16: warning: syncdaemon: ignored: Fulcrum has no connection"
                    + " sync daemon and nothing replaces it (its proxy holds each connection in user space);"
                    + " connections open through the active router are cut when the other router takes over,"
                    + " and their clients must reconnect"),
            "gui-direct-standalone.cf", List.of(
                    "gui-direct-standalone.cf:9: warning: nat_nmask: not used without nat_router"),
            "gui-rhel6-sorry-fwmark.cf", List.of("gui-rhel6-sorry-fwmark.cf:26: warning: fwmark: 80: the proxy engine"
                    + " cannot see marks and listens on the fwmark_ports, but none are given: nothing listens for"
                    + " virtual shop"));

    /** A host whose eth0 and eth1 carry the routers' own addresses, in the subnets the corpus uses. */
    private static final Addresses HOST = new ReadOnlyHost(Map.of(
            "eth0", List.of(own("172.16.0.5", 24), own("198.51.100.2", 24), own("192.0.2.1", 28)),
            "eth1", List.of(own("10.1.0.1", 16))));

    private static HostAddress own(String address, int prefix) {
        return HostAddress.onDevice(InetAddress.ofLiteral(address), prefix, address.startsWith("10.") ? "eth1" : "eth0");
    }

    static Stream<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.toString().endsWith(".cf")).sorted().toList().stream();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run check(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CheckCommand(() -> HOST));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("-c", file.toString());
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void checkAcceptsEveryFileWithTheExpectedWarnings(Path file) {
        Run run = check(file);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err().lines().toList()).as(file.toString())
                .isEqualTo(WARNINGS.getOrDefault(file.getFileName().toString(), List.of()).stream()
                        .map(w -> CORPUS.resolve(w).toString()).toList());
        assertThat(run.out()).contains(": OK: ");
    }

    @Test
    void theCorpusHoldsGuiAndHandWrittenFiles() throws IOException {
        assertThat(corpus().map(f -> f.getFileName().toString()))
                .anyMatch(n -> n.startsWith("gui-")).anyMatch(n -> n.startsWith("hand-")).hasSizeGreaterThanOrEqualTo(5);
    }
}
