package io.fulcrum.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The client of the failover tests: every 10 ms it opens a new TCP connection to each target
 * (a VIP and port) and reads the answer to its end; the last line names whoever answered. It runs as a process in
 * the client namespace ({@link #main}), printing one line per probe; the test side
 * ({@link #start}) reads those lines into {@link Probe}s. Both sides stamp time with the wall
 * clock, so a probe can be set against an instant taken in the test, such as a kill.
 */
public final class Prober implements AutoCloseable {

    /** How long a probe waits for the SYN-ACK: a lost SYN is retried by the kernel only after 1 s. */
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(50);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    static final Duration INTERVAL = Duration.ofMillis(10);

    /**
     * One connection attempt: started and ended at, and either the answer ("rs1 10.77.0.3": who
     * answered, and the address it saw the connection from) or why it failed.
     */
    public record Probe(String target, Instant start, Instant end, boolean ok, String answer) {

        /** Who answered: a real server's name, or a router's in the keepalived runs. */
        public String server() {
            return answer.split(" ")[0];
        }

        /** The address the answering server saw the connection come from: the proxying router's. */
        public String from() {
            String[] words = answer.split(" ");
            return words.length > 1 ? words[1] : "";
        }

        static Probe parse(String line) {
            String[] f = line.split(" ", 5);
            return new Probe(f[0], micros(f[1]), micros(f[2]), f[3].equals("OK"), f.length > 4 ? f[4] : "");
        }

        private static Instant micros(String text) {
            return Instant.EPOCH.plus(Long.parseLong(text), ChronoUnit.MICROS);
        }

        @Override
        public String toString() {
            return "%s %s +%d ms %s %s".formatted(target, start, Duration.between(start, end).toMillis(),
                    ok ? "ok" : "FAILED", answer);
        }
    }

    private final Process process;
    private final List<Probe> probes = new ArrayList<>();
    private final Thread reader;

    private Prober(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("prober-reader").start(this::read);
    }

    /** Starts probing {@code targets} ("192.168.77.100:80", "[fd77::100]:80") from namespace {@code ns}. */
    public static Prober start(HaTopology topology, String ns, String... targets) throws IOException {
        List<String> command = new ArrayList<>(HaTopology.helperJava(Prober.class));
        command.addAll(List.of(targets));
        return new Prober(topology.spawnReadingOutput(ns, "prober", command));
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Probe probe = Probe.parse(line);
                synchronized (probes) {
                    probes.add(probe);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the prober was stopped, or printed something else: the probes so far stand
        }
    }

    public List<Probe> probes(String target) {
        synchronized (probes) {
            return probes.stream().filter(p -> p.target().equals(target)).toList();
        }
    }

    /** Probes of {@code target} started in [from, to). */
    public List<Probe> between(String target, Instant from, Instant to) {
        return probes(target).stream().filter(p -> !p.start().isBefore(from) && p.start().isBefore(to)).toList();
    }

    public List<Probe> failuresBetween(String target, Instant from, Instant to) {
        return between(target, from, to).stream().filter(Predicate.not(Probe::ok)).toList();
    }

    /** Whether a probe started at or after {@code since} has succeeded. */
    public boolean succeededSince(String target, Instant since) {
        return firstSuccessSince(target, since).isPresent();
    }

    public Optional<Probe> firstSuccessSince(String target, Instant since) {
        return firstSuccessSince(target, since, p -> true);
    }

    /** The first probe started at or after {@code since} that succeeded and that {@code answered} accepts. */
    public Optional<Probe> firstSuccessSince(String target, Instant since, Predicate<Probe> answered) {
        return probes(target).stream()
                .filter(p -> p.ok() && !p.start().isBefore(since) && answered.test(p))
                .min((a, b) -> a.end().compareTo(b.end()));
    }

    /**
     * The failover gap: from {@code instant} to the end of the first successful probe started
     * after it that {@code answered} accepts (one through the new router).
     */
    public Optional<Duration> gapAfter(String target, Instant instant, Predicate<Probe> answered) {
        return firstSuccessSince(target, instant, answered).map(p -> Duration.between(instant, p.end()));
    }

    /** The probes around a window, for an assertion message. */
    public String describe(String target, Instant from, Instant to) {
        List<Probe> failed = failuresBetween(target, from, to);
        StringBuilder text = new StringBuilder("%d probes of %s, %d failed".formatted(
                between(target, from, to).size(), target, failed.size()));
        failed.stream().limit(20).forEach(p -> text.append("\n  ").append(p));
        return text.toString();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
            process.destroy();
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(Duration.ofSeconds(5));
    }

    /** The probing process: {@code Prober HOST:PORT...}, one line per probe on stdout, until stdin closes. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: Prober HOST:PORT...   (an IPv6 host in brackets: [fd77::100]:80)");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        for (String target : args) {
            URI uri = URI.create("tcp://" + target);
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
            ticks.scheduleAtFixedRate(() -> Thread.ofVirtual().start(() -> out.println(probe(target, address))),
                    0, INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
        }
        // The parent stops the prober by closing its stdin (or by dying).
        while (System.in.read() >= 0) {
            // ignore input
        }
        ticks.shutdownNow();
        System.exit(0);
    }

    private static String probe(String target, InetSocketAddress address) {
        long start = nowMicros();
        String outcome;
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            // The answer is the last line: the real servers put their name in an HTTP body.
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String last = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                last = line.isBlank() ? last : line.strip();
            }
            outcome = last == null ? "FAIL closed-without-answer" : "OK " + last;
        } catch (IOException e) {
            outcome = "FAIL " + e.getClass().getSimpleName() + ":" + String.valueOf(e.getMessage()).replace(' ', '_');
        }
        return target + " " + start + " " + nowMicros() + " " + outcome;
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
