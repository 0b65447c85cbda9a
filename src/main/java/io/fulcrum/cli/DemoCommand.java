package io.fulcrum.cli;

import io.fulcrum.admin.Role;
import io.fulcrum.admin.Users;
import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Config;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum demo}: three built-in HTTP real servers on loopback behind a virtual server on
 * 127.0.0.1:8080, with health checks, and a prompt to stop and start the real servers.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a demo on 127.0.0.1:8080: a virtual server in front of three real servers on loopback.",
                "The real servers are health-checked; stop and start them from the prompt to watch them"
                        + " leave and come back. Ctrl-C stops everything."})
final class DemoCommand implements Callable<Integer> {

    static final String[] NAMES = {"web1", "web2", "web3"};
    static final String DEMO_USER = "demo";

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "The virtual server's port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--real-port", defaultValue = "0",
            description = "The first demo real server's port; the others follow (default: free ports).")
    private int firstRealPort;

    @Option(names = "--api-port", defaultValue = "3636",
            description = "The REST API's port on 127.0.0.1, 0 for any free one (default: ${DEFAULT-VALUE}).")
    private int apiPort;

    @Option(names = "--dir", defaultValue = "${sys:java.io.tmpdir}/fulcrum-demo",
            description = "Where the demo writes its lvs.cf, control socket and pid file (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (DemoRealServers realServers = new DemoRealServers(firstRealPort, NAMES)) {
            Files.createDirectories(dir);
            Path file = dir.resolve("lvs.cf");
            Files.writeString(file, lvsCf(port, realServers.ports(), dir, apiPort));
            ConfigResult result = LvsConfig.parse(file);
            Config config = result.config().orElseThrow(() -> new IllegalStateException(
                    "the demo's own lvs.cf is invalid: " + result.errors()));
            String password = newPassword();
            Users.set(config.daemon().usersFile(file), DEMO_USER, Role.ADMIN, password.toCharArray());
            try (Daemon daemon = Daemon.start(file, config)) {
                out.print(welcome(port, file, config));
                out.print(daemon.api().map(api -> apiWelcome(AddressText.withPort(api.getAddress(), api.getPort()), password))
                        .orElse("The API is not listening (see the log above).\n\n"));
                out.flush();
                Thread prompt = Thread.ofVirtual().name("demo-prompt").start(() -> prompt(realServers, daemon, out));
                daemon.awaitStopSignal();
                prompt.interrupt();
                out.println("stopping the demo ...");
                out.flush();
                return daemon.stop(Duration.ofSeconds(2));
            }
        }
    }

    static String lvsCf(int port, Map<String, Integer> realServers, Path dir, int apiPort) {
        StringBuilder text = new StringBuilder("""
                # Written by `fulcrum demo`: edit it and run `fulcrum reload --socket %s/fulcrum.sock`.
                serial_no = 1
                backup_active = 0
                state_dir = %s
                admin_listen = 127.0.0.1:%d

                virtual demo {
                     active = 1
                     address = 127.0.0.1
                     port = %d
                     scheduler = rr
                     check = http
                     check_path = /
                     timeout = 1
                     check_interval = 1
                     rise = 2
                     fall = 1
                     drain_timeout = 5
                """.formatted(dir, dir, apiPort, port));
        realServers.forEach((name, realPort) -> text.append("""

                     server %s {
                          address = 127.0.0.1
                          port = %d
                          active = 1
                          weight = 1
                     }
                """.formatted(name, realPort)));
        text.append("}\n");
        return text.toString();
    }

    private static String welcome(int port, Path file, Config config) {
        return """

                Fulcrum demo: a virtual server on 127.0.0.1:%d in front of web1, web2 and web3.

                  curl http://127.0.0.1:%d/                          # each request goes to the next real server
                  bin/fulcrum status --socket %s        # the table, as ipvsadm -L -n shows it
                  bin/fulcrum status --socket %s --stats

                At the prompt: `stop web2` (its health check takes it out), `start web2` (it comes back
                after two good checks), `list`, `help`, `quit`. Ctrl-C stops everything.
                The lvs.cf is %s.

                """.formatted(port, port, config.daemon().controlSocket(), config.daemon().controlSocket(), file);
    }

    private static String apiWelcome(String api, String password) {
        return """
                The REST API and the metrics (user %s, password %s, an admin):

                  curl -u %s:%s http://%s/v1/status
                  curl -u %s:%s http://%s/metrics

                """.formatted(DEMO_USER, password, DEMO_USER, password, api, DEMO_USER, password, api);
    }

    /** A fresh password per demo: 12 random bytes, base64url. */
    private static String newPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void prompt(DemoRealServers realServers, Daemon daemon, PrintWriter out) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            out.print("demo> ");
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                switch (words[0]) {
                    case "" -> { }
                    case "stop", "start" -> {
                        if (words.length < 2) {
                            out.println("which one? " + String.join(", ", NAMES));
                        } else if (words[0].equals("stop") ? realServers.stop(words[1]) : realServers.start(words[1])) {
                            out.println(words[1] + (words[0].equals("stop") ? " stopped" : " started"));
                        } else {
                            out.println("no real server " + words[1] + "; there are " + String.join(", ", NAMES));
                        }
                    }
                    case "list" -> realServers.ports().forEach((name, p) -> out.printf("%s 127.0.0.1:%d %s%n", name, p,
                            realServers.isRunning(name) ? "running" : "stopped"));
                    case "quit", "exit" -> {
                        daemon.requestStop();
                        return;
                    }
                    default -> out.println("commands: stop NAME, start NAME, list, quit");
                }
                out.print("demo> ");
                out.flush();
            }
        } catch (IOException e) {
            out.println("prompt closed: " + e.getMessage());
        }
    }
}
