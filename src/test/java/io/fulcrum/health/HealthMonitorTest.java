package io.fulcrum.health;

import static io.fulcrum.health.TestConfigs.check;
import static io.fulcrum.health.TestConfigs.real;
import static io.fulcrum.health.TestConfigs.timing;
import static io.fulcrum.health.TestConfigs.virtual;
import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.CheckType;
import io.fulcrum.model.HealthCheck;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.VirtualServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthMonitorTest {

    private static final Duration INTERVAL = Duration.ofMillis(30);
    private static final HealthCheck CONNECT = timing(check(CheckType.TCP, null, null, false, null), INTERVAL, 1, 1, false);

    private final BlockingQueue<HealthEvent> events = new LinkedBlockingQueue<>();
    private final ManualClock clock = new ManualClock();
    private final HealthMonitor monitor = new HealthMonitor(events::add, clock);
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        monitor.close();
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private TestServer server(TestServer server) {
        servers.add(server);
        return server;
    }

    private HealthEvent next() throws InterruptedException {
        HealthEvent event = events.poll(5, TimeUnit.SECONDS);
        assertThat(event).as("an event within 5 s").isNotNull();
        return event;
    }

    private void assertQuiet() throws InterruptedException {
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).as("no event").isNull();
    }

    private static String summary(HealthEvent e) {
        return e.virtualServer() + " " + e.realServer().name() + " " + e.state() + "/" + e.weight() + " " + e.reason();
    }

    @Test
    void reportsFirstResultsOfEachRealServer() throws Exception {
        TestServer live = server(TestServer.banner(""));
        RealServer up = real("up", live.address(), 5);
        RealServer refused = real("refused", Ports.closedTcp(), 5);
        monitor.apply(List.of(virtual("ftp", 21, Protocol.TCP, CONNECT, up, refused)));
        assertThat(List.of(summary(next()), summary(next()))).containsExactlyInAnyOrder(
                "ftp up UP/5 connected", "ftp refused DOWN/0 connection refused");
        assertQuiet();
    }

    @Test
    void inactiveServersAreNotChecked() throws Exception {
        TestServer live = server(TestServer.banner(""));
        RealServer inactive = new RealServer("off", live.address().getAddress(), false, 1, live.address().getPort(), 0, 0);
        VirtualServer on = virtual("on", 21, Protocol.TCP, CONNECT, inactive, real("r", live.address(), 1));
        VirtualServer off = new VirtualServer("off", false, on.address(), on.device(), on.vipPrefix(), 22, on.protocol(),
                0, List.of(), on.scheduler(), on.schedulerFlags(), on.persistence(), on.sorryServer(), on.health(),
                on.proxy(), on.legacy(), List.of(real("r", live.address(), 1)));
        monitor.apply(List.of(on, off));
        assertThat(monitor.size()).isEqualTo(1);
        assertThat(summary(next())).isEqualTo("on r UP/1 connected");
    }

    @Test
    void applyKeepsUnchangedChecksAndRestartsChangedOnes() throws Exception {
        TestServer live = server(TestServer.banner("220 ready\r\n"));
        RealServer first = real("first", live.address(), 4);
        monitor.apply(List.of(virtual("smtp", 25, Protocol.TCP, CONNECT, first)));
        assertThat(summary(next())).isEqualTo("smtp first UP/4 connected");

        RealServer second = real("second", live.address(), 4);
        monitor.apply(List.of(virtual("smtp", 25, Protocol.TCP, CONNECT, first, second)));
        assertThat(summary(next())).as("only the new check starts").isEqualTo("smtp second UP/4 connected");
        assertQuiet();

        RealServer heavier = real("first", live.address(), 8);
        monitor.apply(List.of(virtual("smtp", 25, Protocol.TCP, CONNECT, heavier, second)));
        assertThat(summary(next())).as("weight taken over in place")
                .isEqualTo("smtp first UP/8 weight 8 from the configuration");
        assertQuiet();

        HealthCheck wrongBanner = timing(check(CheckType.TCP, null, "250", false, null), INTERVAL, 1, 1, false);
        monitor.apply(List.of(virtual("smtp", 25, Protocol.TCP, wrongBanner, heavier, second)));
        assertThat(List.of(summary(next()), summary(next()))).as("a changed check starts over").containsExactlyInAnyOrder(
                "smtp first DOWN/0 unexpected reply \"220 ready\\r\\n\"",
                "smtp second DOWN/0 unexpected reply \"220 ready\\r\\n\"");

        monitor.apply(List.of());
        assertThat(monitor.size()).isZero();
        Thread.sleep(100);
        int connections = live.connections();
        Thread.sleep(200);
        assertThat(live.connections()).as("removed checks stop").isEqualTo(connections);
    }

    @Test
    void fallRiseAndSlowStartThroughTheMonitor() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        TestServer flaky = server(TestServer.start(client -> {
            TestServer.write(client, healthy.get() ? "OK\n" : "NO\n");
            TestServer.drain(client);
        }));
        HealthCheck okCheck = timing(check(CheckType.TCP, null, "OK", false, null), INTERVAL, 2, 2, false);
        monitor.apply(List.of(virtual("svc", 7000, Protocol.TCP, okCheck, real("r", flaky.address(), 64))));
        assertThat(summary(next())).isEqualTo("svc r UP/64 reply \"OK\\n\"");

        healthy.set(false);
        assertThat(summary(next())).isEqualTo("svc r DOWN/0 unexpected reply \"NO\\n\"");
        healthy.set(true);
        assertThat(summary(next())).isEqualTo("svc r UP/2 reply \"OK\\n\"");
        clock.advance(RealServerHealth.WEIGHT_TICK);
        assertThat(summary(next())).isEqualTo("svc r UP/4 slow start");
        clock.advance(RealServerHealth.WEIGHT_TICK.multipliedBy(10));
        assertThat(summary(next())).isEqualTo("svc r UP/64 slow start");
        assertQuiet();
    }

    @Test
    void quiescedServerStaysAtWeightZero() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        TestServer flaky = server(TestServer.start(client -> {
            if (!healthy.get()) {
                client.setSoLinger(true, 0);
                return;
            }
            TestServer.write(client, "OK\n");
            TestServer.drain(client);
        }));
        HealthCheck okCheck = timing(check(CheckType.TCP, null, "OK", false, null), INTERVAL, 1, 1, true);
        monitor.apply(List.of(virtual("svc", 7000, Protocol.TCP, okCheck, real("r", flaky.address(), 3))));
        assertThat(summary(next())).isEqualTo("svc r UP/3 reply \"OK\\n\"");
        healthy.set(false);
        HealthEvent quiesced = next();
        assertThat(quiesced.state()).isEqualTo(HealthState.QUIESCED);
        assertThat(quiesced.weight()).isZero();
    }

    @Test
    void closeKillsARunningProgramAndItsChild(@TempDir Path directory) throws Exception {
        Path pidFile = directory.resolve("child.pid");
        Path script = directory.resolve("hang");
        Files.writeString(script, "#!/bin/sh\nsleep 60 &\necho $! > " + pidFile + "\nwait\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        HealthCheck program = timing(check(CheckType.PROGRAM, null, null, false, script.toString()), INTERVAL, 1, 1, false);
        TestServer unused = server(TestServer.banner(""));
        monitor.apply(List.of(virtual("prog", 9, Protocol.TCP, program, real("r", unused.address(), 1))));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        long start = System.nanoTime();
        monitor.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        Path stat = Path.of("/proc", Files.readString(pidFile).trim(), "stat");
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (running(stat) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(running(stat)).as("child still running").isFalse();
        assertThat(events).as("nothing reported after close").isEmpty();
    }

    @Test
    void closeIsPromptWhileACheckWaitsOnASlowServer() throws Exception {
        TestServer slow = server(TestServer.slow(Duration.ofSeconds(30), "220 ready\r\n"));
        HealthCheck banner = timing(check(CheckType.TCP, null, "220", false, null), INTERVAL, 1, 1, false);
        monitor.apply(List.of(virtual("smtp", 25, Protocol.TCP, banner, real("r", slow.address(), 1))));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (slow.connections() == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        long start = System.nanoTime();
        monitor.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(events).as("nothing reported after close").isEmpty();
    }

    private static boolean running(Path stat) {
        try {
            String text = Files.readString(stat);
            return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }
}
