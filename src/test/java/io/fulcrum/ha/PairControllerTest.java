package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fulcrum.model.RouterPair;
import io.fulcrum.net.HostAddress;
import io.fulcrum.net.Links.LinkState;
import io.fulcrum.net.ThreadScheduling;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two controllers on loopback (127.0.0.2 the primary, 127.0.0.3 the backup, private links on
 * 127.0.1.x) with real heartbeat sockets and an in-memory host each: the whole pair logic, fast.
 */
class PairControllerTest {

    private static final Duration KEEPALIVE = Duration.ofMillis(20);
    private static final Duration DEADTIME = Duration.ofMillis(100);
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final String KEY = "a shared secret of 32 characters";

    @TempDir
    Path stateDir;

    private final List<PairController> running = new ArrayList<>();
    /** What both hosts did, in order. */
    private final List<String> journal = new CopyOnWriteArrayList<>();
    private final RecordingNetwork primaryHost = new RecordingNetwork(journal);
    private final RecordingNetwork backupHost = new RecordingNetwork(journal);
    private final HostAddress vip = HostAddress.onDevice(address("192.0.2.100"), 24, "eth0:1");
    private final int port = freePort();

    @AfterEach
    void closeAll() {
        running.forEach(PairController::close);
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int freePort() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address("127.0.0.2"), 0))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private RouterPair pair(Optional<String> key, boolean monitorLinks, boolean failback) {
        return pair(key, monitorLinks, failback, Optional.empty(), Optional.empty());
    }

    private RouterPair pair(Optional<String> key, boolean monitorLinks, boolean failback, Optional<String> activeCmd,
            Optional<String> inactiveCmd) {
        return new RouterPair(Optional.of(address("127.0.0.2")), Optional.of(address("127.0.1.2")),
                Optional.of(address("127.0.0.3")), Optional.of(address("127.0.1.3")), true, true, port, KEEPALIVE,
                DEADTIME, monitorLinks, activeCmd, inactiveCmd, key, Optional.empty(), failback,
                Duration.ofMillis(300));
    }

    private PairController start(String name, RecordingNetwork host, RouterPair pair, long fingerprint)
            throws IOException {
        String own = name.equals("primary") ? "2" : "3";
        host.holding(address("127.0.0." + own), "pub" + own).holding(address("127.0.1." + own), "priv" + own);
        Path dir = Files.createDirectories(stateDir.resolve(name));
        PairController controller = PairController.start(pair, List.of(vip), fingerprint, dir, host.network(),
                () -> new PairController.PoolHealth(2, 3));
        running.add(controller);
        return controller;
    }

    private PairController primary(RouterPair pair) throws IOException {
        return start("primary", primaryHost, pair, 7);
    }

    private PairController backup(RouterPair pair) throws IOException {
        return start("backup", backupHost, pair, 7);
    }

    /** The primary active and serving, the backup hearing it. */
    private static void awaitSettled(PairController primary, PairController backup) {
        awaitState(primary, HaState.ACTIVE);
        await().atMost(PATIENCE).until(() -> backup.view().partnerAlive());
    }

    private static void awaitState(PairController controller, HaState state) {
        await().atMost(PATIENCE).until(() -> controller.view().state() == state && (state != HaState.ACTIVE
                || controller.view().serving()));
    }

    @Test
    void thePrimaryServesAndTheBackupWatches() throws IOException {
        RouterPair pair = pair(Optional.of(KEY), false, false);
        PairController primary = primary(pair);
        PairController backup = backup(pair);
        awaitState(primary, HaState.ACTIVE);
        await().atMost(PATIENCE).until(() -> backup.view().partnerAlive() && primary.view().partnerAlive());
        assertThat(backup.view().state()).isEqualTo(HaState.STANDBY);
        assertThat(primaryHost.onHost).containsKey(vip.address());
        assertThat(backupHost.onHost).doesNotContainKey(vip.address());
        assertThat(primaryHost.announced).contains(vip);
        PairController.View view = backup.view();
        assertThat(view.authenticated()).isTrue();
        assertThat(view.configMismatch()).isFalse();
        assertThat(view.partner()).get().satisfies(h -> {
            assertThat(h.role()).isEqualTo(RouterRole.PRIMARY);
            assertThat(h.realServersUp()).isEqualTo(2);
        });
        assertThat(view.links()).hasSize(2).allSatisfy(l -> assertThat(l.lastHeard()).isPresent());
    }

    @Test
    void theBackupTakesOverWhenThePrimaryDies() throws IOException {
        RouterPair pair = pair(Optional.of(KEY), false, false);
        PairController primary = primary(pair);
        PairController backup = backup(pair);
        awaitSettled(primary, backup);
        long killed = System.nanoTime();
        primary.close();
        awaitState(backup, HaState.ACTIVE);
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isGreaterThanOrEqualTo(DEADTIME.minusMillis(20));
        assertThat(backupHost.onHost).containsKey(vip.address());
        assertThat(backup.view().reason()).contains("partner dead");
    }

    /**
     * A planned switch in the order that loses nothing: the backup forwards unknown connections to
     * the primary before it brings the VIP up; the primary keeps serving for the margin after the
     * backup's confirmation, then keeps the VIP local but silent for its open connections while
     * they drain, and the backup stops forwarding as soon as the primary says it is gone.
     */
    @Test
    void aStoppingPrimaryKeepsItsAddressUntilTheBackupServesThenKeepsItsConnections() throws IOException {
        RouterPair pair = pair(Optional.of(KEY), false, false);
        PairController primary = primary(pair);
        PairController backup = backup(pair);
        awaitSettled(primary, backup);
        journal.clear();
        assertThat(primary.handOver(Duration.ofSeconds(3))).isTrue();
        assertThat(primary.keepsConnections()).isTrue();
        assertThat(backup.view().state()).isEqualTo(HaState.ACTIVE);
        assertThat(backup.view().reason()).contains("stopping");
        assertThat(primaryHost.onLoopback).contains(vip.address());
        assertThat(primaryHost.onHost).doesNotContainKey(vip.address());
        assertThat(primary.view().state()).as("it says 'leaving' while its connections drain").isEqualTo(HaState.LEAVING);
        primary.stop(Duration.ofSeconds(3));
        await().atMost(PATIENCE).until(() -> journal.contains("stop forwarding on pub3"));
        await().atMost(PATIENCE).until(() -> journal.contains("unsilence on pub2"));
        assertThat(journal.subList(0, 5)).containsExactly(
                "forward 1 address(es) to 127.0.1.2 on priv3 on pub3",
                "add " + vip + " on pub3",
                "silence 1 address(es), accept them on priv2 on pub2",
                "keep 192.0.2.100 on lo on pub2",
                "remove " + vip + " on pub2");
        // the two routers' last steps run on two threads: their order across routers is free
        assertThat(journal.subList(5, journal.size())).containsExactlyInAnyOrder(
                "drop 192.0.2.100 from lo on pub2", "unsilence on pub2", "stop forwarding on pub3");
        assertThat(primaryHost.onLoopback).isEmpty();
    }

    @Test
    void withoutSecondChanceTheStoppingPrimaryTakesItsAddressDown() throws IOException {
        primaryHost.refuseSecondChance = true;
        RouterPair pair = pair(Optional.of(KEY), false, false);
        PairController primary = primary(pair);
        PairController backup = backup(pair);
        awaitSettled(primary, backup);
        journal.clear();
        assertThat(primary.handOver(Duration.ofSeconds(3))).isTrue();
        assertThat(primary.keepsConnections()).isFalse();
        assertThat(primaryHost.onHost).doesNotContainKey(vip.address());
        assertThat(primaryHost.onLoopback).isEmpty();
        primary.stop(Duration.ofSeconds(3));
        assertThat(journal).contains("add " + vip + " on pub3", "remove " + vip + " on pub2");
    }

    @Test
    void theHooksRunOnTakeoverAndStepDown() throws IOException {
        Path hooks = stateDir.resolve("hooks.log");
        RouterPair pair = pair(Optional.of(KEY), false, false,
                Optional.of("echo active >> " + hooks), Optional.of("echo inactive >> " + hooks));
        PairController primary = primary(pair);
        PairController backup = backup(pair);
        awaitSettled(primary, backup);
        await().atMost(PATIENCE).until(() -> Files.exists(hooks) && Files.readString(hooks).startsWith("active"));
        primary.stop(Duration.ofSeconds(2));
        await().atMost(PATIENCE).until(() -> Files.readAllLines(hooks).size() == 3);
        assertThat(Files.readAllLines(hooks)).filteredOn("active"::equals).hasSize(2);
        assertThat(Files.readAllLines(hooks)).contains("inactive");
    }

    @Test
    void aRouterThatCannotBringItsAddressesUpHandsTheRoleOver() throws IOException {
        primaryHost.refuseAdds = true;
        RouterPair pair = pair(Optional.of(KEY), false, false);
        PairController primary = primary(pair);
        PairController backup = backup(pair);
        awaitState(backup, HaState.ACTIVE);
        awaitState(primary, HaState.FAULT);
        assertThat(primary.view().reason()).contains("could not all be brought up");
        assertThat(backupHost.onHost).containsKey(vip.address());
        assertThat(primaryHost.onHost).doesNotContainKey(vip.address());
    }

    @Test
    void aRouterWithTheWrongKeyIsNotHeard() throws IOException {
        PairController primary = primary(pair(Optional.of(KEY), false, false));
        PairController backup = backup(pair(Optional.of("another shared secret"), false, false));
        await().atMost(PATIENCE).until(() -> primary.view().rejected() > 3 && backup.view().rejected() > 3);
        assertThat(primary.view().partnerAlive()).isFalse();
        assertThat(primary.view().lastRejection()).get().asString().contains("127.0.");
    }

    /**
     * A wrong key is never silent: the first rejected heartbeat is logged at once, naming the sender
     * and the reason, the next ones at most every 10 s; and the backup, whose partner is alive with
     * another key, does not take the addresses from it.
     */
    @Test
    void aWrongKeyIsLoggedAtOnceThenAtMostEveryTenSecondsAndTheBackupStaysStandby() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(PairController.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            PairController primary = primary(pair(Optional.of(KEY), false, false));
            awaitState(primary, HaState.ACTIVE);
            PairController backup = backup(pair(Optional.of("another shared secret of 32 chars"), false, false));
            await().atMost(PATIENCE).until(() -> backup.view().rejected() > 0);
            List<String> rejections = await().atMost(Duration.ofSeconds(1)).until(() -> rejections(logged),
                    lines -> lines.size() >= 2);
            assertThat(rejections).anySatisfy(line -> assertThat(line).containsPattern("from 127\\.0\\.[01]\\.3: BAD_MAC")
                    .contains("this primary ignores them"));
            assertThat(rejections).anySatisfy(line -> assertThat(line).containsPattern("from 127\\.0\\.[01]\\.2: BAD_MAC")
                    .contains("this backup does not take over"));
            // many more rejections, many deadtimes: no more lines, and the backup never takes over
            long before = backup.view().rejected();
            Thread.sleep(DEADTIME.multipliedBy(20));
            assertThat(backup.view().rejected() - before).isGreaterThan(20);
            assertThat(rejections(logged)).hasSize(2);
            assertThat(backup.view().state()).isEqualTo(HaState.STANDBY);
            assertThat(backup.view().reason()).contains("cannot authenticate");
            assertThat(backupHost.onHost).doesNotContainKey(vip.address());
            assertThat(primary.view().state()).isEqualTo(HaState.ACTIVE);
            // the primary dies: its beats stop, and the backup takes over
            primary.close();
            awaitState(backup, HaState.ACTIVE);
        } finally {
            logger.detachAppender(logged);
        }
    }

    private static List<String> rejections(ListAppender<ILoggingEvent> logged) {
        synchronized (logged) { // the appender appends under its own lock
            return logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(line -> line.startsWith("heartbeat rejected")).toList();
        }
    }

    @Test
    void aConfigMismatchIsReported() throws IOException {
        RouterPair pair = pair(Optional.of(KEY), false, false);
        PairController primary = primary(pair);
        PairController backup = start("backup", backupHost, pair, 8);
        await().atMost(PATIENCE).until(() -> primary.view().configMismatch() && backup.view().configMismatch());
    }

    @Test
    void anActivePrimaryThatLosesALinkHandsOver() throws IOException {
        RouterPair pair = pair(Optional.of(KEY), true, false);
        PairController primary = primary(pair);
        PairController backup = backup(pair);
        awaitSettled(primary, backup);
        primaryHost.links.put("pub2", LinkState.DOWN);
        awaitState(primary, HaState.FAULT);
        awaitState(backup, HaState.ACTIVE);
        await().atMost(PATIENCE).until(() -> !primaryHost.onHost.containsKey(vip.address()));
        assertThat(backup.view().reason()).contains("link failure");
        primaryHost.links.put("pub2", LinkState.UP);
        awaitState(primary, HaState.STANDBY);
    }

    @Test
    void withFailbackThePrimaryTakesTheRoleBack() throws IOException {
        RouterPair pair = pair(Optional.of(KEY), false, true);
        PairController backup = backup(pair);
        awaitState(backup, HaState.ACTIVE);
        PairController primary = primary(pair);
        awaitState(primary, HaState.ACTIVE);
        awaitState(backup, HaState.STANDBY);
        await().atMost(PATIENCE).until(() -> !backupHost.onHost.containsKey(vip.address()));
        assertThat(primary.view().reason()).contains("failback");
    }

    @Test
    void withoutFailbackTheReturningPrimaryStaysStandby() throws IOException, InterruptedException {
        RouterPair pair = pair(Optional.of(KEY), false, false);
        PairController backup = backup(pair);
        awaitState(backup, HaState.ACTIVE);
        PairController primary = primary(pair);
        await().atMost(PATIENCE).until(() -> primary.view().partnerAlive());
        Thread.sleep(600);
        assertThat(primary.view().state()).isEqualTo(HaState.STANDBY);
        assertThat(backup.view().state()).isEqualTo(HaState.ACTIVE);
    }

    @Test
    void withoutAKeyAForgedFarFutureBootDoesNotLockThePartnerOut() throws IOException {
        RouterPair pair = pair(Optional.empty(), false, false);
        PairController primary = primary(pair);
        // someone on the wire sends, as the backup, a heartbeat from a run far in the future on both links
        long forgedBoot = System.currentTimeMillis() + Duration.ofDays(3650).toMillis();
        ByteBuffer forged = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        new HeartbeatCodec(Optional.empty()).encode(new Heartbeat(RouterRole.BACKUP, HaState.STANDBY, forgedBoot, 1,
                7, 2, 3, true, true), forged);
        for (String link : List.of("0", "1")) {
            try (DatagramChannel forger = DatagramChannel.open()) {
                forger.bind(new InetSocketAddress(address("127.0." + link + ".3"), port));
                forger.send(forged.flip(), new InetSocketAddress(address("127.0." + link + ".2"), port));
            }
        }
        await().atMost(PATIENCE).until(() -> primary.view().received() == 2);

        backup(pair);
        await().atMost(PATIENCE).until(() -> primary.view().received() > 10 && primary.view().partnerAlive());
        assertThat(primary.view().partner()).get().extracting(Heartbeat::bootId).isNotEqualTo(forgedBoot);
    }

    /**
     * Someone floods the heartbeat port from the backup's own address (forged heartbeats with a wrong MAC, each
     * costing an HMAC to refute) as fast as two threads can send, and a stranger floods too, while the backup is
     * silent: the primary's heartbeats must keep coming on time.
     */
    @Test
    void aFloodFromThePartnersAddressDoesNotDelayOurHeartbeats() throws Exception {
        // The fastest timings the docs support (0.1 s / 0.4 s), not this class's 20 ms / 100 ms: three
        // flooding threads saturate a 2-core host, and the gap measured includes the listener's own
        // scheduling; the old loop, which never left its receive loop, fails any bound.
        Duration deadtime = Duration.ofMillis(400);
        RouterPair pair = new RouterPair(Optional.of(address("127.0.0.2")), Optional.of(address("127.0.1.2")),
                Optional.of(address("127.0.0.3")), Optional.of(address("127.0.1.3")), true, true, port,
                Duration.ofMillis(100), deadtime, false, Optional.empty(), Optional.empty(), Optional.of(KEY),
                Optional.empty(), false, Duration.ofMillis(300));
        PairController primary = primary(pair);
        ByteBuffer forged = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        new HeartbeatCodec(Optional.of("not the shared secret".getBytes())).encode(new Heartbeat(RouterRole.BACKUP,
                HaState.LEAVING, 1, 1, 7, 2, 3, true, true), forged);
        forged.flip();
        InetSocketAddress target = new InetSocketAddress(address("127.0.0.2"), port);
        try (DatagramChannel asBackup = DatagramChannel.open();
                DatagramChannel stranger = DatagramChannel.open()) {
            asBackup.bind(new InetSocketAddress(address("127.0.0.3"), port));
            stranger.bind(new InetSocketAddress(address("127.0.0.9"), 0));
            List<Long> beats = new CopyOnWriteArrayList<>();
            Thread listener = Thread.ofPlatform().start(() -> {
                // as the partner's heartbeat thread does: the flooders must not make this listener late
                ThreadScheduling.raiseCallingThread();
                ByteBuffer in = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE * 2);
                try {
                    while (true) {
                        in.clear();
                        asBackup.receive(in);
                        beats.add(System.nanoTime());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            List<Thread> flooders = new ArrayList<>();
            for (DatagramChannel from : List.of(asBackup, asBackup, stranger)) {
                flooders.add(Thread.ofPlatform().start(() -> {
                    ByteBuffer datagram = forged.duplicate();
                    try {
                        while (System.nanoTime() < end) {
                            from.send(datagram.rewind(), target);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (Thread flooder : flooders) {
                flooder.join();
            }
            asBackup.close();
            listener.join();
            long longestGap = 0;
            for (int i = 1; i < beats.size(); i++) {
                longestGap = Math.max(longestGap, beats.get(i) - beats.get(i - 1));
            }
            System.out.printf("flood from the partner's address: %d rejected, %d heartbeats, longest gap %d ms%n",
                    primary.view().rejected(), beats.size(), Duration.ofNanos(longestGap).toMillis());
            assertThat(beats).as("the primary's heartbeats heard during the 2 s flood (one every 0.1 s)")
                    .hasSizeGreaterThanOrEqualTo(10);
            assertThat(Duration.ofNanos(longestGap)).as("the longest gap between the primary's heartbeats")
                    .isLessThan(deadtime);
            assertThat(primary.view().rejected()).as("the flood reached the primary").isGreaterThan(1000);
            assertThat(primary.view().lastRejection()).get().asString().contains("BAD_MAC", "127.0.0.3");
        }
    }
}
