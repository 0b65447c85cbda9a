package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fulcrum.admin.Exposition;
import io.fulcrum.admin.Role;
import io.fulcrum.admin.Users;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fulcrum run} as a real process, as an operator drives it: signals, a reload with a good
 * and a bad file, the status listing over the control socket, and a draining SIGTERM.
 */
class DaemonProcessTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private Process daemon;

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : closeAfter.reversed()) {
            c.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A real server that greets with its name and then echoes lines. */
    private int echoServer(String name) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeAfter.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    closeAfter.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                            OutputStream out = s.getOutputStream();
                            out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                            String line;
                            while ((line = in.readLine()) != null) {
                                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                            }
                        } catch (IOException e) {
                            // client gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    private static String lvsCf(Path stateDir, int vport, int... realPorts) {
        StringBuilder text = new StringBuilder("""
                state_dir = %s
                admin_listen = 127.0.0.1:0
                virtual app {
                     active = 1
                     address = 127.0.0.1
                     port = %d
                     scheduler = rr
                     check = tcp
                     timeout = 1
                     check_interval = 1
                """.formatted(stateDir, vport));
        for (int i = 0; i < realPorts.length; i++) {
            text.append("""
                         server r%d {
                              address = 127.0.0.1
                              port = %d
                              active = 1
                         }
                    """.formatted(i + 1, realPorts[i]));
        }
        return text.append("}\n").toString();
    }

    private Process start(Path config, String... jvmOptions) throws IOException {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(javaBin.toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                "-c", config.toString(), "--drain-timeout", "10"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile());
        return builder.start();
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("daemon.log"));
    }

    private static void signal(Process process, String name) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor()).isZero();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String firstLine(int port) {
        try (Socket socket = connect(port)) {
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null;
        }
    }

    private String status(Path socket) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        cli.execute("status", "--socket", socket.toString());
        return out.toString();
    }

    private String reload(Path socket) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(out, true));
        cli.execute("reload", "--socket", socket.toString());
        return out.toString();
    }

    /** Where Netty's native epoll transport does not load, everything runs on NIO, control socket included. */
    @Test
    void servesStatusAndReloadWithoutTheNativeTransport() throws Exception {
        int vport = freePort();
        int r1 = echoServer("r1");
        int r2 = echoServer("r2");
        Path stateDir = dir.resolve("state");
        Path socket = stateDir.resolve("fulcrum.sock");
        Path config = dir.resolve("lvs.cf");
        Files.writeString(config, lvsCf(stateDir, vport, r1));
        daemon = start(config, "-Dio.netty.transport.noNative=true");

        await().atMost(Duration.ofSeconds(30)).until(() -> "r1".equals(firstLine(vport)));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));
        assertThat(status(socket)).contains("(engine=proxy (nio))").contains("127.0.0.1:" + r1);
        assertThat(log()).contains("native epoll transport unavailable");

        Files.writeString(config, lvsCf(stateDir, vport, r1, r2));
        assertThat(reload(socket)).startsWith("reloaded: " + config + ": OK: 1 virtual server");
        await().atMost(Duration.ofSeconds(10)).until(() -> status(socket).contains("127.0.0.1:" + r2));

        signal(daemon, "TERM");
        assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).as(log()).isZero();
        assertThat(socket).doesNotExist();
    }

    @Test
    void reloadsOnSighupRejectsABadFileAndDrainsOnSigterm() throws Exception {
        int vport = freePort();
        int r1 = echoServer("r1");
        int r2 = echoServer("r2");
        Path stateDir = dir.resolve("state");
        Path socket = stateDir.resolve("fulcrum.sock");
        Path config = dir.resolve("lvs.cf");
        Files.writeString(config, lvsCf(stateDir, vport, r1));
        daemon = start(config);

        await().atMost(Duration.ofSeconds(30)).until(() -> "r1".equals(firstLine(vport)));
        assertThat(status(socket)).contains("TCP  127.0.0.1:" + vport + " rr").contains("127.0.0.1:" + r1)
                .startsWith("Router: standalone, active since ");

        // A good reload adds r2 (after its first good check) and keeps the rest.
        Files.writeString(config, lvsCf(stateDir, vport, r1, r2));
        signal(daemon, "HUP");
        await().atMost(Duration.ofSeconds(10)).until(() -> status(socket).contains("127.0.0.1:" + r2));

        // A bad file is reported and changes nothing.
        Files.writeString(config, lvsCf(stateDir, vport, r1).replace("scheduler = rr", "scheduler = fastest"));
        signal(daemon, "HUP");
        await().atMost(Duration.ofSeconds(10)).until(() -> log().contains("reload rejected"));
        assertThat(log()).contains("lvs.cf:7: scheduler: unknown scheduler `fastest`");
        assertThat(status(socket)).contains("127.0.0.1:" + r1).contains("127.0.0.1:" + r2);

        // SIGTERM: no new connections, but an open one may finish within the drain limit.
        try (Socket open = connect(vport)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isIn("r1", "r2");
            signal(daemon, "TERM");
            await().atMost(Duration.ofSeconds(5)).until(() -> log().contains("draining"));
            assertThat(firstLine(vport)).as("no new connections while draining").isNull();
            open.getOutputStream().write("still served\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("still served");
        }
        assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isZero();
        assertThat(stateDir.resolve("fulcrum.pid")).doesNotExist();
        List<String> lines = log().lines().filter(l -> !l.startsWith("WARNING: ")).toList();
        SoftAssertions.assertSoftly(softly -> {
            // said once it is true: after the drain, the addresses and the hooks, as the last word
            softly.assertThat(lines.getLast()).as("last line").contains("INFO  Daemon: stopped: every connection ended");
            // a standalone router is active from start to stop: nothing to warn about
            softly.assertThat(lines).as("role changes")
                    .anyMatch(l -> l.contains("INFO  PairController: becoming ACTIVE: "))
                    .anyMatch(l -> l.contains("INFO  PairController: becoming INACTIVE: "))
                    .noneMatch(l -> l.contains("WARN  PairController: becoming"));
            // each address once, single blanks
            softly.assertThat(lines).as("listen line")
                    .anyMatch(l -> l.endsWith("INFO  ProxyEngine: listening on TCP 127.0.0.1:" + vport));
        });
    }

    /** The API's address, from the daemon's log line. */
    private URI api() throws IOException {
        Matcher line = Pattern.compile("API on http://(127\\.0\\.0\\.1:\\d+)/v1/").matcher(log());
        assertThat(line.find()).as(log()).isTrue();
        return URI.create("http://" + line.group(1));
    }

    /** A scrape as Prometheus sends it, with a viewer's login. */
    private Exposition scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api().resolve("/metrics"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "prometheus:scrape".getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new Exposition(response.body());
    }

    /** Connects through the virtual server, greets, echoes one line and closes: 6 bytes in, 3 + 6 out. */
    private static String exchange(int vport) throws IOException {
        try (Socket socket = connect(vport)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String name = in.readLine();
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("hello");
            return name;
        }
    }

    @Test
    void metricsFollowTheTrafficThroughTheEngine() throws Exception {
        int vport = freePort();
        int r1 = echoServer("r1");
        int r2 = echoServer("r2");
        Path stateDir = dir.resolve("state");
        Path config = dir.resolve("lvs.cf");
        Files.writeString(config, lvsCf(stateDir, vport, r1, r2));
        Users.set(dir.resolve("fulcrum.users"), "prometheus", Role.VIEWER, "scrape".toCharArray());
        daemon = start(config);
        String vs = "127.0.0.1:" + vport;
        await().atMost(Duration.ofSeconds(30)).until(() -> log().contains("API on http://"));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Exposition e = scrape();
            return e.value("fulcrum_real_server_health", "real_server", "127.0.0.1:" + r1, "state", "up").orElse(0) == 1
                    && e.value("fulcrum_real_server_health", "real_server", "127.0.0.1:" + r2, "state", "up").orElse(0) == 1;
        });

        try (Socket open = connect(vport)) {
            assertThat(new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isIn("r1", "r2");
            await().atMost(Duration.ofSeconds(10)).until(() -> scrape()
                    .value("fulcrum_virtual_server_active_connections", "virtual_server", vs, "protocol", "tcp")
                    .orElse(-1) == 1);
        }
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            served.add(exchange(vport));
        }
        assertThat(served).containsOnly("r1", "r2");

        // 5 connections: 4 exchanges of 6 bytes in and 9 out, and the one that only read its greeting
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Exposition e = scrape();
            assertThat(e.value("fulcrum_virtual_server_connections_total", "virtual_server", vs)).hasValue(5);
            assertThat(e.value("fulcrum_virtual_server_in_bytes_total", "virtual_server", vs)).hasValue(24);
            assertThat(e.value("fulcrum_virtual_server_out_bytes_total", "virtual_server", vs)).hasValue(39);
            assertThat(e.value("fulcrum_virtual_server_active_connections", "virtual_server", vs)).hasValue(0);
            // round robin over two real servers: every other connection
            assertThat(e.value("fulcrum_real_server_connections_total", "real_server", "127.0.0.1:" + r1).orElseThrow()
                    + e.value("fulcrum_real_server_connections_total", "real_server", "127.0.0.1:" + r2).orElseThrow())
                    .isEqualTo(5);
            assertThat(e.value("fulcrum_real_server_connections_total", "real_server", "127.0.0.1:" + r1).orElseThrow())
                    .isBetween(2.0, 3.0);
        });
        Exposition e = scrape();
        assertThat(e.value("fulcrum_real_server_check_duration_seconds", "real_server", "127.0.0.1:" + r1).orElseThrow())
                .isPositive().isLessThan(1);
        assertThat(e.value("fulcrum_virtual_server_in_bytes_per_second", "virtual_server", vs)).isPresent();
        assertThat(e.value("fulcrum_pair_state", "role", "standalone", "state", "active")).hasValue(1);
        assertThat(e.value("fulcrum_pair_takeovers_total")).hasValue(1);
        assertThat(e.value("fulcrum_reloads_total", "outcome", "applied")).hasValue(0);

        signal(daemon, "HUP");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape()
                .value("fulcrum_reloads_total", "outcome", "applied").orElse(0) == 1);
        Files.writeString(config, lvsCf(stateDir, vport, r1).replace("scheduler = rr", "scheduler = fastest"));
        signal(daemon, "HUP");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape()
                .value("fulcrum_reloads_total", "outcome", "rejected").orElse(0) == 1);
        assertThat(scrape().value("fulcrum_last_reload_success")).hasValue(0);
    }
}
