package io.fulcrum.testing;

import static io.fulcrum.testing.HaTopology.V4_TARGET;
import static io.fulcrum.testing.HaTopology.VIP;

import io.fulcrum.model.RouterPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.function.Predicate;

/**
 * The failover benchmark of issue 4 (run by {@code bench/failover}): in the {@link HaTopology}, the
 * gap a client probing every 10 ms sees when the active router dies (kill -9 of everything in its
 * namespace) or loses its public link, for Fulcrum pairs and for keepalived (VRRP only, with a
 * name-answering service on each router) as the anchor; or, in load mode, how often a Fulcrum pair
 * changes roles while both cores are saturated.
 *
 * <p>Setups: {@code fulcrum-default} (no keepalive or deadtime in the file: the daemon's defaults),
 * {@code fulcrum-fast} ({@code --fast KEEPALIVE/DEADTIME}), {@code fulcrum-K/D} (any timings),
 * {@code keepalived-ADVERT_INT}.
 */
public final class FailoverBench {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RECOVERY = Duration.ofSeconds(20);

    record Options(List<String> setups, List<String> variants, int runs, String fast, double loadMinutes,
                   boolean load, Path out) {
    }

    record Run(String setup, String variant, int run, Optional<Duration> gap, String note) {
    }

    private final Options options;
    private final StringBuilder report = new StringBuilder();

    private FailoverBench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("failover: " + e.getMessage() + " (see bench/failover --help)");
            System.exit(2);
            return;
        }
        HaTopology.missingCapability().ifPresent(why -> {
            System.err.println("failover: " + why);
            System.exit(2);
        });
        FailoverBench bench = new FailoverBench(options);
        int status = options.load() ? bench.load() : bench.gaps();
        System.exit(status);
    }

    static Options parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option VALUE pairs, got `" + args[i] + "`");
            }
            given.put(args[i].substring(2), args[++i]);
        }
        boolean load = given.containsKey("load");
        Options options = new Options(
                List.of(given.getOrDefault("setups", load ? "fulcrum-fast"
                        : "fulcrum-default,fulcrum-fast,keepalived-1,keepalived-0.1").split(",")),
                List.of(given.getOrDefault("variants", "kill,link").split(",")),
                Integer.parseInt(given.getOrDefault("runs", "5")),
                given.getOrDefault("fast", "0.02/0.08"),
                Double.parseDouble(given.getOrDefault("load", "10")),
                load,
                Path.of(given.getOrDefault("out", "bench/results/failover.txt")));
        given.keySet().removeAll(List.of("setups", "variants", "runs", "fast", "load", "out"));
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + given.keySet());
        }
        for (String v : options.variants()) {
            if (!List.of("kill", "link", "planned", "split").contains(v)) {
                throw new IllegalArgumentException("unknown variant `" + v + "`: kill, link, planned or split");
            }
        }
        options.setups().forEach(FailoverBench::describe);
        return options;
    }

    private void say(String line) throws IOException {
        System.out.println(line);
        report.append(line).append('\n');
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), report);
    }

    // ---- gap mode

    private int gaps() throws Exception {
        List<Run> runs = new ArrayList<>();
        say("# failover gap: %d run(s) per setup and variant; %s".formatted(options.runs(), Instant.now()));
        for (String setup : options.setups()) {
            for (String variant : options.variants()) {
                if (!measured(setup, variant)) {
                    say("%-22s %-5s not measured: keepalived's VRRP adverts are not cut by port".formatted(setup, variant));
                    continue;
                }
                for (int run = 1; run <= options.runs(); run++) {
                    Run result = gapRun(setup, variant, run);
                    runs.add(result);
                    say("%-22s %-5s run %d: %s%s".formatted(setup, variant, run,
                            result.gap().map(g -> g.toMillis() + " ms").orElse("no recovery"),
                            result.note().isEmpty() ? "" : "  (" + result.note() + ")"));
                }
            }
        }
        say("");
        say("| setup | timings | variant | runs | median gap | range |");
        say("|---|---|---|---|---|---|");
        boolean allRecovered = true;
        for (String setup : options.setups()) {
            for (String variant : options.variants()) {
                if (!measured(setup, variant)) {
                    continue;
                }
                List<Run> these = runs.stream().filter(r -> r.setup().equals(setup) && r.variant().equals(variant)).toList();
                List<Long> gaps = these.stream().flatMap(r -> r.gap().stream()).map(Duration::toMillis).sorted().toList();
                long failed = these.size() - gaps.size();
                allRecovered &= failed == 0;
                say("| %s | %s | %s | %d%s | %s | %s |".formatted(setup, describe(setup), variant, these.size(),
                        failed == 0 ? "" : " (" + failed + " never recovered)",
                        gaps.isEmpty() ? "-" : median(gaps) + " ms",
                        gaps.isEmpty() ? "-" : gaps.getFirst() + "-" + gaps.getLast() + " ms"));
            }
        }
        say("\nresults in " + options.out().toAbsolutePath());
        return allRecovered ? 0 : 1;
    }

    private static boolean measured(String setup, String variant) {
        return !(variant.equals("split") && setup.startsWith("keepalived-"));
    }

    private static String median(List<Long> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? String.valueOf(sorted.get(n / 2))
                : String.valueOf((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
    }

    private Run gapRun(String setup, String variant, int run) throws Exception {
        if (variant.equals("planned")) {
            return plannedRun(setup, run);
        }
        if (variant.equals("split")) {
            return splitRun(setup, run);
        }
        return served(setup, variant, run, (topology, prober) -> {
            // The failure's instant is when the kill or the link command has returned.
            if (variant.equals("kill")) {
                topology.killAll("r1");
            } else {
                topology.cutLink(1, "eth0");
            }
            Instant failure = Instant.now();
            Predicate<Prober.Probe> newRouter = HaTopology.notThrough(1);
            // While waiting, note when the client's neighbour entry for the VIP moved to router 2.
            String mac2 = topology.routerMac(2);
            Instant[] macMoved = new Instant[1];
            boolean recovered = awaitQuietly(RECOVERY, () -> {
                if (macMoved[0] == null && topology.clientNeighbourMac(VIP).filter(mac2::equals).isPresent()) {
                    macMoved[0] = Instant.now();
                }
                return prober.firstSuccessSince(V4_TARGET, failure, newRouter).isPresent();
            });
            Optional<Duration> gap = prober.gapAfter(V4_TARGET, failure, newRouter);
            String note = recovered ? "" : prober.describe(V4_TARGET, failure, Instant.now()).lines().findFirst().orElse("");
            if (setup.startsWith("fulcrum") && recovered) {
                note = topology.holdsVip(2) ? timeline(topology, failure)
                        : "served, but router 2 does not hold the VIP";
            }
            if (recovered) {
                note += (note.isEmpty() ? "" : ", ") + "client's MAC moved by " + (macMoved[0] == null
                        ? "the first success" : "+" + Duration.between(failure, macMoved[0]).toMillis() + " ms");
                Prober.Probe first = prober.firstSuccessSince(V4_TARGET, failure, newRouter).orElseThrow();
                note += ", first success started +%d ms and took %d ms".formatted(
                        Duration.between(failure, first.start()).toMillis(),
                        Duration.between(first.start(), first.end()).toMillis());
                List<Prober.Probe> failed = prober.failuresBetween(V4_TARGET, failure, Instant.now());
                if (!failed.isEmpty()) {
                    Prober.Probe last = failed.getLast();
                    note += ", last failure started +%d ms: %s".formatted(
                            Duration.between(failure, last.start()).toMillis(), last.answer());
                }
            }
            return new Run(setup, variant, run, gap, note);
        });
    }

    /** What a run does to a pair that has served the client (probing every 10 ms) for a second. */
    private interface Scenario {
        Run apply(HaTopology topology, Prober prober) throws Exception;
    }

    /** Builds the topology, starts the pair and the client, waits for a second of service, runs {@code scenario}. */
    private Run served(String setup, String variant, int run, Scenario scenario) throws Exception {
        try (HaTopology topology = HaTopology.create()) {
            try {
                startPair(topology, setup);
                try (Prober prober = Prober.start(topology, topology.ns("client"), V4_TARGET)) {
                    Instant started = Instant.now();
                    await("the client is served", START, () -> prober.succeededSince(V4_TARGET, started));
                    Thread.sleep(1000);
                    return scenario.apply(topology, prober);
                }
            } catch (Exception e) {
                System.err.println(topology.logs());
                return new Run(setup, variant, run, Optional.empty(), e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    /**
     * A planned switch: SIGTERM of the router process (Fulcrum) or of every process of router 1
     * (keepalived, which then sends its priority-0 advert). The client probes on through router 1's
     * drain and 3 s more; the "gap" is the span of failed connections (0 when none failed), the note
     * counts them.
     */
    private Run plannedRun(String setup, int run) throws Exception {
        return served(setup, "planned", run, (topology, prober) -> {
            Instant term = Instant.now();
            if (setup.startsWith("keepalived-")) {
                for (String pid : HaTopology.run("ip", "netns", "pids", topology.ns("r1")).strip().split("\\s+")) {
                    HaTopology.run("kill", "-TERM", pid);
                }
            } else {
                topology.terminate(1);
            }
            await("router 2 holds the VIP", RECOVERY, () -> topology.holdsVip(2) && !topology.holdsVip(1));
            Thread.sleep(3000);
            Instant end = Instant.now();
            List<Prober.Probe> failed = prober.failuresBetween(V4_TARGET, term, end);
            Duration span = failed.isEmpty() ? Duration.ZERO
                    : Duration.between(failed.getFirst().start(), failed.getLast().end());
            String note = "%d of %d connections failed".formatted(failed.size(), prober.between(V4_TARGET, term, end).size())
                    + (failed.isEmpty() ? "" : ", first: " + failed.getFirst().answer());
            return new Run(setup, "planned", run, Optional.of(span), note);
        });
    }

    /**
     * A split brain healing: router 1's heartbeats cut both ways (nftables) until router 2 holds
     * the VIP too, for 2 s, then restored. The "gap" is from the restore to the start of the last
     * connection (within 3 s) that went through router 2 or failed to connect, as
     * FailoverScenarioTest measures it. Fulcrum setups only: keepalived's VRRP is not cut by port.
     */
    private Run splitRun(String setup, int run) throws Exception {
        return served(setup, "split", run, (topology, prober) -> {
            topology.dropHeartbeats(1, 539, "eth0", "eth1");
            await("router 2 holds the VIP too", RECOVERY, () -> topology.holdsVip(2));
            Thread.sleep(2000);
            topology.allowHeartbeats(1);
            Instant restored = Instant.now();
            Thread.sleep(3000);
            Instant end = Instant.now();
            // a connection lost after it was accepted says nothing of where the client sends: counted apart
            Predicate<Prober.Probe> lostAfterAccept = p -> !p.ok() && (p.answer().contains("Read_timed_out")
                    || p.answer().contains("Connection_reset"));
            Predicate<Prober.Probe> offRouter1 = p -> p.ok() ? !HaTopology.notThrough(2).test(p) : !lostAfterAccept.test(p);
            List<Prober.Probe> after = prober.between(V4_TARGET, restored, end);
            Instant back = after.stream().filter(offRouter1).map(Prober.Probe::start).max(Instant::compareTo)
                    .orElse(restored);
            return new Run(setup, "split", run, Optional.of(Duration.between(restored, back)),
                    "client back on router 1 for good; %d connection(s) lost after they were accepted".formatted(
                            after.stream().filter(lostAfterAccept).count()));
        });
    }

    /**
     * Where a Fulcrum takeover's time went, from router 2's log: when it decided to become active
     * and when the VIP was up, counted from the failure.
     */
    private static String timeline(HaTopology topology, Instant failure) throws IOException {
        Optional<Instant> decided = Optional.empty();
        Optional<Instant> vipUp = Optional.empty();
        for (String line : Files.readAllLines(topology.log("r2"))) {
            int space = line.indexOf(' ');
            if (space < 0 || !line.startsWith("20")) {
                continue;
            }
            Instant at = OffsetDateTime.parse(line.substring(0, space)).toInstant();
            if (decided.isEmpty() && line.contains("becoming ACTIVE") && at.isAfter(failure.minusSeconds(1))) {
                decided = Optional.of(at);
            }
            if (decided.isPresent() && vipUp.isEmpty() && line.contains("brought up " + VIP + "/")) {
                vipUp = Optional.of(at);
            }
        }
        return "router 2 active at %s, VIP up at %s".formatted(
                decided.map(t -> "+" + Duration.between(failure, t).toMillis() + " ms").orElse("?"),
                vipUp.map(t -> "+" + Duration.between(failure, t).toMillis() + " ms").orElse("?"));
    }

    // ---- load mode

    private int load() throws Exception {
        Duration length = Duration.ofMillis((long) (options.loadMinutes() * 60_000));
        say("# false failovers under load: %s for %d s with both cores saturated; %s".formatted(
                options.setups(), length.toSeconds(), Instant.now()));
        int status = 0;
        for (String setup : options.setups()) {
            try (HaTopology topology = HaTopology.create()) {
                startPair(topology, setup);
                try (Prober prober = Prober.start(topology, topology.ns("client"), V4_TARGET)) {
                    Instant started = Instant.now();
                    await("the client is served", START, () -> prober.succeededSince(V4_TARGET, started));
                    Thread.sleep(1000);
                    List<Process> monitors = new ArrayList<>();
                    for (String router : List.of("r1", "r2")) {
                        monitors.add(topology.spawn(topology.ns(router), router + "-addresses",
                                List.of("ip", "monitor", "address")));
                    }
                    Instant from = Instant.now();
                    long seconds = Math.max(1, length.toSeconds());
                    int cores = Runtime.getRuntime().availableProcessors();
                    Process stress = topology.spawn(topology.ns("client"), "stress",
                            List.of("stress-ng", "--cpu", String.valueOf(cores), "--timeout", seconds + "s"));
                    Process wrk = topology.spawn(topology.ns("client"), "wrk", List.of("wrk", "-t1", "-c32",
                            "-d" + seconds + "s", "-H", "Connection: close", "http://" + VIP + "/"));
                    stress.waitFor(seconds + 30, TimeUnit.SECONDS);
                    wrk.waitFor(30, TimeUnit.SECONDS);
                    Thread.sleep(500);
                    Instant to = Instant.now();
                    monitors.forEach(Process::destroy);
                    // `ip monitor address` prints an added address as is, a removed one after "Deleted".
                    long changes = 0;
                    StringBuilder moves = new StringBuilder();
                    for (String router : List.of("r1", "r2")) {
                        List<String> events = Files.readAllLines(topology.log(router + "-addresses")).stream()
                                .filter(l -> l.contains(VIP + "/")).toList();
                        long removed = events.stream().filter(l -> l.startsWith("Deleted")).count();
                        changes += events.size();
                        moves.append(" %s +%d -%d".formatted(router, events.size() - removed, removed));
                    }
                    List<Prober.Probe> failures = prober.failuresBetween(V4_TARGET, from, to);
                    int probes = prober.between(V4_TARGET, from, to).size();
                    Map<String, Long> reasons = failures.stream().collect(Collectors.groupingBy(
                            Prober.Probe::answer, TreeMap::new, Collectors.counting()));
                    String wrkSummary = Files.readAllLines(topology.log("wrk")).stream()
                            .filter(l -> l.contains("Requests/sec") || l.contains("Socket errors"))
                            .map(String::strip).reduce((a, b) -> a + "; " + b).orElse("wrk printed nothing");
                    // Failed probes per minute, to tell a steady load from one that degrades.
                    List<Long> perMinute = new ArrayList<>();
                    for (Instant m = from; m.isBefore(to); m = m.plusSeconds(60)) {
                        perMinute.add((long) prober.failuresBetween(V4_TARGET, m, m.plusSeconds(60)).size());
                    }
                    boolean stillPrimary = topology.holdsVip(1) && !topology.holdsVip(2);
                    say("| %s | %s | %d s | VIP events:%s | probes failed: %d of %d %s, per minute %s | primary still alone active: %s | wrk: %s |"
                            .formatted(setup, describe(setup), seconds, moves, failures.size(), probes, reasons,
                                    perMinute, stillPrimary, wrkSummary));
                    // Why the routers changed state, from their logs.
                    for (String router : List.of("r1", "r2")) {
                        Path log = topology.log(router);
                        if (Files.exists(log)) {
                            for (String line : Files.readAllLines(log)) {
                                if (line.contains("becoming") || line.contains("CONFIG MISMATCH") || line.contains("rejected")) {
                                    say("    " + router + ": " + line);
                                }
                            }
                        }
                    }
                    if (changes > 0 || !stillPrimary) {
                        status = 1;
                    }
                }
            }
        }
        say("\nresults in " + options.out().toAbsolutePath());
        return status;
    }

    // ---- the pairs

    /** The timings a setup stands for, for the table. */
    static String describe(String setup) {
        if (setup.equals("fulcrum-default")) {
            return "the daemon's defaults";
        }
        if (setup.startsWith("fulcrum-")) {
            String[] t = fulcrumTimings(setup, "0.02/0.08");
            return "keepalive " + t[0] + ", deadtime " + t[1];
        }
        if (setup.startsWith("keepalived-")) {
            return "advert_int " + Double.parseDouble(setup.substring("keepalived-".length()));
        }
        throw new IllegalArgumentException("unknown setup `" + setup
                + "`: fulcrum-default, fulcrum-fast, fulcrum-KEEPALIVE/DEADTIME or keepalived-ADVERT_INT");
    }

    private static String[] fulcrumTimings(String setup, String fast) {
        String timings = setup.equals("fulcrum-fast") ? fast : setup.substring("fulcrum-".length());
        String[] t = timings.split("/");
        if (t.length != 2) {
            throw new IllegalArgumentException("timings `" + timings + "`: KEEPALIVE/DEADTIME in seconds, e.g. 0.02/0.08");
        }
        return t;
    }

    /** Starts router 1, waits until it holds the VIP, then router 2, and lets router 2 settle as the backup. */
    private void startPair(HaTopology topology, String setup) throws Exception {
        if (setup.startsWith("keepalived-")) {
            double advert = Double.parseDouble(setup.substring("keepalived-".length()));
            startKeepalived(topology, 1, advert);
            await("router 1 (keepalived) holds the VIP", START, () -> topology.holdsVip(1));
            startKeepalived(topology, 2, advert);
            Thread.sleep(Math.max(1000, (long) (advert * 4000)));
        } else {
            Map<String, String> settings = new LinkedHashMap<>();
            Duration keepalive = RouterPair.DEFAULT_KEEPALIVE;
            if (setup.equals("fulcrum-default")) {
                settings.put("keepalive", null);
                settings.put("deadtime", null);
            } else {
                String[] t = fulcrumTimings(setup, options.fast());
                settings.put("keepalive", t[0]);
                settings.put("deadtime", t[1]);
                keepalive = Duration.ofNanos((long) (Double.parseDouble(t[0]) * 1e9));
            }
            settings.put("monitor_links", "1");
            settings.put("failback", "0");
            String config = HaTopology.pairConfig(settings);
            topology.startRouter(1, config);
            await("router 1 (fulcrum) holds the VIP", START, () -> topology.holdsVip(1));
            topology.startRouter(2, config);
            await("router 2 (fulcrum) runs", START, () -> Files.exists(topology.router(2).controlSocket()));
            // Router 2 must have heard router 1 before router 1 fails.
            Thread.sleep(Math.max(1500, keepalive.multipliedBy(2).toMillis() + 500));
        }
        if (topology.holdsVip(2)) {
            throw new IllegalStateException(setup + ": router 2 holds the VIP while router 1 is active");
        }
    }

    private static void startKeepalived(HaTopology topology, int number, double advert) throws IOException {
        String name = "r" + number;
        Path dir = topology.dir().resolve(name + "-keepalived");
        Files.createDirectories(dir);
        // VRRPv2 carries whole seconds only: sub-second adverts need version 3.
        String version = advert < 1 || advert != Math.floor(advert) ? "    vrrp_version 3\n" : "";
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                global_defs {
                    router_id %s
                %s}
                vrrp_instance fulcrum_bench {
                    state %s
                    interface eth0
                    virtual_router_id 77
                    priority %d
                    advert_int %s
                    virtual_ipaddress {
                        %s/24 dev eth0
                    }
                }
                """.formatted(name, version, number == 1 ? "MASTER" : "BACKUP", number == 1 ? 150 : 100,
                String.format(Locale.ROOT, "%.2f", advert), VIP));
        topology.spawn(topology.ns(name), name + "-service", HaTopology.helperJava(NsRealServer.class, name));
        topology.spawn(topology.ns(name), name, List.of("keepalived", "--dont-fork", "--log-console", "--log-detail",
                "--no-syslog", "--vrrp", "-f", conf.toString(), "-p", dir.resolve("keepalived.pid").toString(),
                "-r", dir.resolve("vrrp.pid").toString(), "-c", dir.resolve("checkers.pid").toString(),
                "-b", dir.resolve("bfd.pid").toString()));
    }

    private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        if (!awaitQuietly(within, condition)) {
            throw new IllegalStateException("timed out after " + within.toSeconds() + " s waiting until " + what);
        }
    }

    private static boolean awaitQuietly(Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
