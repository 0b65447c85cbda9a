package io.fulcrum.testing;

import io.fulcrum.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The HA test topology of issue 4, built with {@code ip} in network namespaces whose names carry
 * a random suffix (nothing but those names appears in the root namespace):
 *
 * <pre>
 *   client 192.168.77.10, fd77::10 ---- [switch: bridge pub] ---- eth0 r1 .2 / r2 .3 (fd77::2, ::3)
 *   rs1..rs3 10.77.0.11..13 ---------- [switch: bridge priv] --- eth1 r1 10.77.0.2 / r2 10.77.0.3
 *   (real servers route via the floating NAT gateway 10.77.0.1)
 * </pre>
 *
 * The real servers answer with their names ({@link NsRealServer}, in this JVM); the routers are started by
 * the caller, as {@code fulcrum run} ({@link #startRouter}) or anything else ({@link #spawn}).
 * Every process runs in its namespace, logs to a file in {@link #dir()}, and is killed by
 * {@link #close()}, which also removes the namespaces (a shutdown hook does it if the JVM exits first).
 */
public final class HaTopology implements AutoCloseable {

    public static final String VIP = "192.168.77.100";
    public static final String VIP6 = "fd77::100";
    public static final String NAT_ROUTER = "10.77.0.1";
    public static final String CLIENT_ADDRESS = "192.168.77.10";
    public static final String V4_TARGET = VIP + ":80";
    public static final String V6_TARGET = "[" + VIP6 + "]:80";
    public static final List<String> REAL_SERVERS = List.of("rs1", "rs2", "rs3");
    /** The real servers' port for long streams ({@link NsRealServer#startStreaming}), served by {@link #STREAM_VIRTUAL_SERVERS}. */
    public static final int STREAM_PORT = 81;
    /** Virtual servers for the streams on the VIPs' port {@link #STREAM_PORT}, to append to a pair's lvs.cf. */
    public static final String STREAM_VIRTUAL_SERVERS = streamVirtualServer("stream", VIP + " eth0:1", "255.255.255.0")
            + streamVirtualServer("stream6", VIP6 + " eth0", "64");

    private static final String NFT_TABLE = "fulcrum_test_cut";
    private static final Pattern LLADDR = Pattern.compile("lladdr (\\S+)");
    private static final Pattern ETHER = Pattern.compile("link/ether (\\S+)");

    /** The address router {@code number} has on the private network (and proxies from). */
    public static String privateAddress(int number) {
        return "10.77.0." + (number + 1);
    }

    /**
     * Accepts a probe not served through router {@code number}: neither answered by it (the
     * keepalived runs' service) nor proxied from its private address.
     */
    public static Predicate<Prober.Probe> notThrough(int number) {
        return p -> !p.server().equals("r" + number) && !p.from().equals(privateAddress(number));
    }

    /** A router of the pair: 1 is the primary (.2), 2 the backup (.3). */
    public record Router(int number, String ns, Path config, Path stateDir, Path log) {

        public String name() {
            return "r" + number;
        }

        public Path controlSocket() {
            return stateDir.resolve("fulcrum.sock");
        }
    }

    private final String prefix;
    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<NsRealServer> realServers = new ArrayList<>();
    private final Map<Integer, Process> routerProcesses = new LinkedHashMap<>();
    private final Thread cleanupOnExit;
    private boolean closed;

    private HaTopology(String prefix, Path dir) {
        this.prefix = prefix;
        this.dir = dir;
        this.cleanupOnExit = new Thread(this::close);
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /** Why these tests cannot run here, or empty when they can (root, {@code ip} with netns). */
    public static Optional<String> missingCapability() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespace tests need root (running as " + System.getProperty("user.name") + ")");
        }
        try {
            Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            ip.getInputStream().readAllBytes();
            return ip.waitFor() == 0 ? Optional.empty() : Optional.of("`ip netns list` failed: no netns support");
        } catch (IOException e) {
            return Optional.of("the `ip` command (iproute2) is not installed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** Whether {@code nft} is installed, for the heartbeat-cutting scenarios. */
    public static boolean hasNft() {
        return Stream.of("/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft").anyMatch(p -> Files.isExecutable(Path.of(p)));
    }

    /** Builds the namespaces, links and addresses, and starts the three real servers. */
    public static HaTopology create() throws Exception {
        String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(1 << 24)).substring(2);
        HaTopology topology = new HaTopology("fha" + suffix + "-", Files.createTempDirectory("fulcrum-ha-"));
        try {
            topology.build();
            return topology;
        } catch (Exception e) {
            topology.close();
            throw e;
        }
    }

    private void build() throws Exception {
        for (String role : List.of("sw", "client", "r1", "r2", "rs1", "rs2", "rs3")) {
            String ns = ns(role);
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
            // Addresses usable at once: no duplicate address detection on IPv6 (the VIP included).
            run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0");
            ip(role, "link", "set", "lo", "up");
        }
        for (String bridge : List.of("pub", "priv")) {
            // No multicast snooping: VRRP adverts and IPv6 neighbour messages reach every port.
            ip("sw", "link", "add", bridge, "type", "bridge", "mcast_snooping", "0");
            ip("sw", "link", "set", bridge, "up");
        }
        plug("client", "eth0", "pub", "client");
        address("client", "eth0", CLIENT_ADDRESS + "/24", "fd77::10/64");
        for (int r = 1; r <= 2; r++) {
            String role = "r" + r;
            plug(role, "eth0", "pub", role + "-pub");
            plug(role, "eth1", "priv", role + "-priv");
            address(role, "eth0", "192.168.77." + (r + 1) + "/24", "fd77::" + (r + 1) + "/64");
            address(role, "eth1", privateAddress(r) + "/24");
        }
        for (int i = 0; i < REAL_SERVERS.size(); i++) {
            String rs = REAL_SERVERS.get(i);
            plug(rs, "eth0", "priv", rs);
            address(rs, "eth0", "10.77.0." + (11 + i) + "/24");
            ip(rs, "route", "add", "default", "via", NAT_ROUTER);
            realServers.add(NsRealServer.start(ns(rs), rs, 80));
            realServers.add(NsRealServer.startStreaming(ns(rs), STREAM_PORT));
        }
    }

    /** A veth from the switch's {@code bridge} (port {@code port}) to {@code dev} in {@code role}'s namespace. */
    private void plug(String role, String dev, String bridge, String port) throws IOException, InterruptedException {
        ip("sw", "link", "add", port, "type", "veth", "peer", "name", dev, "netns", ns(role));
        ip("sw", "link", "set", port, "master", bridge, "up");
        ip(role, "link", "set", dev, "up");
    }

    private void address(String role, String dev, String... cidrs) throws IOException, InterruptedException {
        for (String cidr : cidrs) {
            if (cidr.contains(":")) {
                ip(role, "-6", "addr", "add", cidr, "dev", dev, "nodad");
            } else {
                ip(role, "addr", "add", cidr, "dev", dev);
            }
        }
    }

    public Path dir() {
        return dir;
    }

    /** The namespace of a role: sw, client, r1, r2, rs1..rs3. */
    public String ns(String role) {
        return prefix + role;
    }

    /** {@code ip -n NS args...}, its output. */
    public String ip(String role, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", ns(role)));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    /** Runs a command in the root namespace and returns its output; fails with its output if it exits non-zero. */
    public static String run(String... command) throws IOException, InterruptedException {
        return runWithInput(null, command);
    }

    private static String runWithInput(String input, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (input != null) {
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no answer in 30 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output.strip());
        }
        return output;
    }

    /** The java command for a helper main of this test classpath, small and quick to start. */
    public static List<String> helperJava(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code command} in namespace {@code ns}; its output goes to {@code dir/NAME.log},
     * appended across restarts.
     */
    public Process spawn(String ns, String name, List<String> command) throws IOException {
        return spawn(ns, name, command, false);
    }

    /** Starts {@code command} in namespace {@code ns} for the caller to read its stdout; stderr goes to the log. */
    public Process spawnReadingOutput(String ns, String name, List<String> command) throws IOException {
        return spawn(ns, name, command, true);
    }

    private Process spawn(String ns, String name, List<String> command, boolean pipeStdout) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectError(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
        if (!pipeStdout) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
        }
        Process process = builder.start();
        synchronized (processes) {
            processes.add(process);
        }
        return process;
    }

    public Path log(String name) {
        return dir.resolve(name + ".log");
    }

    // ---- routers

    public Router router(int number) {
        String name = "r" + number;
        return new Router(number, ns(name), dir.resolve(name + ".cf"), dir.resolve(name + "-state"), log(name));
    }

    /**
     * The two-router lvs.cf of {@code examples/lvs-pair.cf} with {@code settings} replacing its
     * global keys (a null value removes the key, so the daemon's default applies).
     */
    public static String pairConfig(Map<String, String> settings) throws IOException {
        String text = Files.readString(projectFile("examples/lvs-pair.cf"));
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            Pattern line = Pattern.compile("(?m)^" + Pattern.quote(setting.getKey()) + "\\s*=.*\\n");
            Matcher m = line.matcher(text);
            String replacement = setting.getValue() == null ? "" : setting.getKey() + " = " + setting.getValue() + "\n";
            if (m.find()) {
                text = m.replaceFirst(Matcher.quoteReplacement(replacement));
            } else {
                int firstVirtual = text.indexOf("\nvirtual ");
                text = text.substring(0, firstVirtual + 1) + replacement + text.substring(firstVirtual + 1);
            }
        }
        return text;
    }

    private static String streamVirtualServer(String name, String address, String netmask) {
        StringBuilder text = new StringBuilder("virtual " + name + " {\n     active = 1\n     address = " + address
                + "\n     vip_nmask = " + netmask + "\n     port = " + STREAM_PORT
                + "\n     protocol = tcp\n     scheduler = rr\n     check = tcp\n     check_interval = 1\n     timeout = 1\n");
        for (int i = 0; i < REAL_SERVERS.size(); i++) {
            text.append("     server ").append(REAL_SERVERS.get(i)).append(" {\n          address = 10.77.0.")
                    .append(11 + i).append("\n          active = 1\n     }\n");
        }
        return text.append("}\n").toString();
    }

    /** A file of this repository, found from the working directory (Maven runs tests in the project root). */
    public static Path projectFile(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) {
                return d.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath()
                + ": run from the Fulcrum checkout");
    }

    /**
     * Starts router {@code number} as {@code fulcrum run} in its namespace with {@code config}
     * (its {@code state_dir} set to the router's own directory), with the JVM options bin/fulcrum
     * uses ({@code -XX:+UseZGC}) unless the system property {@code fulcrum.router.jvm} gives
     * others (space separated).
     */
    /** What bin/fulcrum runs the daemon with when FULCRUM_JAVA_OPTS is unset. */
    public static final String ROUTER_JVM = "-XX:+UseZGC";

    public Router startRouter(int number, String config) throws IOException {
        Router router = router(number);
        Files.createDirectories(router.stateDir());
        Files.writeString(router.config(), config.replaceFirst("(?m)^state_dir\\s*=.*$",
                Matcher.quoteReplacement("state_dir = " + router.stateDir())));
        List<String> command = new ArrayList<>(List.of(javaBin(), "--enable-native-access=ALL-UNNAMED"));
        String jvm = System.getProperty("fulcrum.router.jvm", ROUTER_JVM).strip();
        if (!jvm.isEmpty()) {
            command.addAll(List.of(jvm.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "-c", router.config().toString()));
        Files.writeString(router.log(), "---- start " + Instant.now() + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        routerProcesses.put(number, spawn(router.ns(), router.name(), command));
        return router;
    }

    public Process routerProcess(int number) {
        return routerProcesses.get(number);
    }

    /** kill -9 of the router's process. */
    public void kill(int number) throws InterruptedException {
        routerProcesses.get(number).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: a clean stop (the process is not waited for). */
    public void terminate(int number) throws IOException, InterruptedException {
        run("kill", "-TERM", String.valueOf(routerProcesses.get(number).pid()));
    }

    /**
     * kill -9 of every process in a namespace: a router "crashes" whatever runs there. They are
     * stopped first, so that none sees another die and leaves cleanly (keepalived's VRRP child
     * would send its priority-0 advert when its parent dies).
     */
    public void killAll(String role) throws IOException, InterruptedException {
        String pids = run("ip", "netns", "pids", ns(role)).strip();
        if (!pids.isEmpty()) {
            for (String signal : List.of("-STOP", "-KILL")) {
                List<String> kill = new ArrayList<>(List.of("kill", signal));
                kill.addAll(List.of(pids.split("\\s+")));
                run(kill.toArray(String[]::new));
            }
        }
    }

    /** {@code fulcrum status --socket} of a router, run in its namespace. */
    public String status(int number) throws IOException, InterruptedException {
        Router router = router(number);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", router.ns()));
        command.addAll(helperJava(Main.class, "status", "--socket",
                router.controlSocket().toString()));
        return run(command.toArray(String[]::new));
    }

    // ---- what the network sees

    /** {@code ip -o addr show} in a namespace. */
    public String addresses(String role) throws IOException, InterruptedException {
        return ip(role, "-o", "addr", "show");
    }

    /** Whether router {@code number} has {@code address} (e.g. the VIP) on one of its interfaces. */
    /**
     * Whether router {@code number} has {@code address} on a network device: the copy on {@code lo}
     * that a leaving router keeps for its open connections (second chance) is not on the network.
     */
    public boolean holds(int number, String address) {
        try {
            Pattern held = Pattern.compile("^\\d+: (?!lo\\s).*inet6? " + Pattern.quote(address) + "/");
            return addresses("r" + number).lines().anyMatch(line -> held.matcher(line).find());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean holdsVip(int number) {
        return holds(number, VIP);
    }

    /** The MAC of an interface in a namespace. */
    public String mac(String role, String dev) throws IOException, InterruptedException {
        Matcher m = ETHER.matcher(ip(role, "-o", "link", "show", "dev", dev));
        if (!m.find()) {
            throw new IllegalStateException("no MAC on " + dev + " in " + ns(role));
        }
        return m.group(1);
    }

    /** Router {@code number}'s public MAC, the one the client should reach the VIP at. */
    public String routerMac(int number) throws IOException, InterruptedException {
        return mac("r" + number, "eth0");
    }

    /** The MAC of the client's neighbour entry for {@code address}, if it has one with a MAC. */
    public Optional<String> clientNeighbourMac(String address) {
        try {
            Matcher m = LLADDR.matcher(ip("client", "neigh", "show", address));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Takes router {@code number}'s link on {@code dev} down at the switch: its cable is out. */
    public void cutLink(int number, String dev) throws IOException, InterruptedException {
        ip("sw", "link", "set", switchPort(number, dev), "down");
    }

    public void restoreLink(int number, String dev) throws IOException, InterruptedException {
        ip("sw", "link", "set", switchPort(number, dev), "up");
    }

    private static String switchPort(int number, String dev) {
        return "r" + number + switch (dev) {
            case "eth0" -> "-pub";
            case "eth1" -> "-priv";
            default -> throw new IllegalArgumentException("routers have eth0 and eth1, not " + dev);
        };
    }

    /**
     * Drops the heartbeats (UDP to {@code port}) in and out of router {@code number} on the given
     * interfaces, with an nftables table of the test's own; the rest of the traffic flows.
     */
    public void dropHeartbeats(int number, int port, String... devs) throws IOException, InterruptedException {
        String set = "{ " + String.join(", ", Stream.of(devs).map(d -> "\"" + d + "\"").toList()) + " }";
        String rules = """
                table inet %1$s {
                    chain in { type filter hook input priority -10; iifname %2$s udp dport %3$d drop; }
                    chain out { type filter hook output priority -10; oifname %2$s udp dport %3$d drop; }
                }
                """.formatted(NFT_TABLE, set, port);
        runWithInput(rules, "ip", "netns", "exec", ns("r" + number), "nft", "-f", "-");
    }

    /** Lets the heartbeats that {@link #dropHeartbeats} cut reach router {@code number} again; its own stay cut. */
    public void allowHeartbeatsIn(int number) throws IOException, InterruptedException {
        run("ip", "netns", "exec", ns("r" + number), "nft", "flush", "chain", "inet", NFT_TABLE, "in");
    }

    /** Lets router {@code number}'s heartbeats out again; those to it stay cut. */
    public void allowHeartbeatsOut(int number) throws IOException, InterruptedException {
        run("ip", "netns", "exec", ns("r" + number), "nft", "flush", "chain", "inet", NFT_TABLE, "out");
    }

    public void allowHeartbeats(int number) throws IOException, InterruptedException {
        run("ip", "netns", "exec", ns("r" + number), "nft", "delete", "table", "inet", NFT_TABLE);
    }

    // ---- teardown

    /** Every log of this topology, for a failing test's output. */
    public String logs() {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                text.append("==== ").append(file.getFileName()).append(" (last 200 lines)\n");
                lines.subList(Math.max(0, lines.size() - 200), lines.size()).forEach(l -> text.append(l).append('\n'));
            }
        } catch (IOException e) {
            text.append("(logs unreadable: ").append(e.getMessage()).append(")\n");
        }
        return text.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Process> all;
        synchronized (processes) {
            all = List.copyOf(processes);
        }
        for (Process p : all) {
            p.destroyForcibly();
        }
        for (NsRealServer server : realServers) {
            try {
                server.close();
            } catch (IOException e) {
                // the namespace goes next, and the socket with it
            }
        }
        for (Process p : all) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces.reversed()) {
            try {
                // A process started in the namespace by someone else (keepalived's children) dies with it.
                String pids = run("ip", "netns", "pids", ns).strip();
                if (!pids.isEmpty()) {
                    List<String> kill = new ArrayList<>(List.of("kill", "-9"));
                    kill.addAll(List.of(pids.split("\\s+")));
                    run(kill.toArray(String[]::new));
                }
                run("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                System.err.println("could not remove network namespace " + ns + ": " + e.getMessage()
                        + "; remove it with `ip netns del " + ns + "`");
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException e) {
            // closing from the hook itself, as the JVM exits
        }
    }
}
