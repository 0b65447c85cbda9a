package io.fulcrum.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.Config;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.VirtualServerEntry;
import io.fulcrum.table.VirtualServerTable;
import io.fulcrum.table.VirtualServerTable.MemberKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real engine on loopback, against in-process real servers. */
class ProxyEngineTest {

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final VirtualServerTable table = new VirtualServerTable();
    private ProxyEngine engine;
    private int vport;

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
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

    private TestRealServer realServer(String name) throws IOException {
        TestRealServer server = new TestRealServer(name);
        closeAfter.add(server);
        return server;
    }

    /** A config with one virtual server on 127.0.0.1:vport; {@code servers} maps name -> "port weight". */
    private Config config(String virtualKeys, Map<String, String> servers) {
        return config("", virtualKeys, servers);
    }

    private Config config(String globals, String virtualKeys, Map<String, String> servers) {
        StringBuilder text = new StringBuilder(globals + """

                virtual web {
                     active = 1
                     address = 127.0.0.1 lo
                     port = %d
                     check = none
                %s
                """.formatted(vport, virtualKeys));
        servers.forEach((name, portAndWeight) -> {
            String[] pw = portAndWeight.split(" ");
            text.append("""
                         server %s {
                              address = 127.0.0.1
                              port = %s
                              weight = %s
                              active = 1
                         }
                    """.formatted(name, pw[0], pw.length > 1 ? pw[1] : "1"));
        });
        text.append("}\n");
        ConfigResult result = LvsConfig.parse("test.cf", text.toString());
        assertThat(result.errors()).isEmpty();
        return result.config().orElseThrow();
    }

    private void serve(Config config) throws IOException {
        table.apply(config);
        if (engine == null) {
            engine = new ProxyEngine(table::snapshot);
        }
        engine.apply(table.snapshot());
    }

    private void serveWith(Transport transport, Config config) {
        table.apply(config);
        engine = new ProxyEngine(table::snapshot, transport, 2);
        engine.apply(table.snapshot());
    }

    private Map<String, String> servers(TestRealServer... real) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (TestRealServer r : real) {
            map.put(r.name, String.valueOf(r.port()));
        }
        return map;
    }

    /** A client connection through the proxy; its first line is the real server's name. */
    private final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client() throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), vport), 2000);
            socket.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        String line() throws IOException {
            return in.readLine();
        }

        String echo(String text) throws IOException {
            out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return line();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private String servedBy() throws IOException {
        try (Client client = new Client()) {
            return client.line();
        }
    }

    @Test
    void roundRobinThroughTheDataPathVisitsRealServersInOrder() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        TestRealServer c = realServer("c");
        serve(config("scheduler = rr", servers(a, b, c)));

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(servedBy());
        }

        assertThat(seen).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void weightedLeastConnectionSpreadsOpenConnectionsByWeight() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        Map<String, String> pool = new java.util.LinkedHashMap<>();
        pool.put("a", a.port() + " 3");
        pool.put("b", b.port() + " 1");
        serve(config("scheduler = wlc", pool));

        Map<String, Integer> counts = new HashMap<>();
        List<Client> open = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Client client = new Client();
            open.add(client);
            closeAfter.add(client);
            counts.merge(client.line(), 1, Integer::sum);
        }

        assertThat(counts).containsEntry("a", 6).containsEntry("b", 2);
        VirtualServerEntry entry = table.snapshot().entry("web").orElseThrow();
        assertThat(entry.pool()).extracting(PoolMember::activeConnections).containsExactly(6, 2);
    }

    @Test
    void closedConnectionsCountAsInactiveSoWlcSpreadsShortConnections() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        serve(config("scheduler = wlc", servers(a, b)));

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(servedBy());
            int closedSoFar = i + 1;
            await().atMost(Duration.ofSeconds(2)).until(() -> table.snapshot().entry("web").orElseThrow().pool().stream()
                    .mapToInt(PoolMember::inactiveConnections).sum() == closedSoFar);
        }

        assertThat(seen).containsExactly("a", "b", "a", "b");
    }

    @Test
    void aPersistentClientSticksToItsRealServer() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        serve(config("scheduler = rr\n     persistent = 60", servers(a, b)));

        String first = servedBy();
        for (int i = 0; i < 5; i++) {
            assertThat(servedBy()).isEqualTo(first);
        }
    }

    @Test
    void aClientHalfCloseReachesTheRealServerAndItsReplyStillComesBack() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        serve(config("scheduler = rr", servers(a)));

        try (Client client = new Client()) {
            assertThat(client.line()).isEqualTo("a");
            assertThat(client.echo("hello")).isEqualTo("hello");
            client.socket.shutdownOutput();
            assertThat(client.line()).isEqualTo("bye 6");
            assertThat(client.line()).isNull();
        }
    }

    @Test
    void aRealServerHalfCloseReachesTheClientWhichCanStillSend() throws Exception {
        vport = freePort();
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        closeAfter.add(server);
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                s.getOutputStream().write("done\n".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                received.add(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                received.add("error " + e);
            }
        });
        serve(config("scheduler = rr", Map.of("s", String.valueOf(server.getLocalPort()))));

        try (Client client = new Client()) {
            assertThat(client.line()).isEqualTo("done");
            assertThat(client.line()).as("the real server's FIN").isNull();
            client.out.write("late words".getBytes(StandardCharsets.UTF_8));
            client.socket.shutdownOutput();
            await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
        }
        assertThat(received).containsExactly("late words");
    }

    @Test
    void aRefusedConnectGoesToAnotherRealServerUnseenByTheClient() throws Exception {
        vport = freePort();
        int closed = freePort();
        TestRealServer b = realServer("b");
        Map<String, String> pool = new java.util.LinkedHashMap<>();
        pool.put("dead", String.valueOf(closed));
        pool.put("b", String.valueOf(b.port()));
        serve(config("scheduler = rr", pool));

        for (int i = 0; i < 4; i++) {
            assertThat(servedBy()).isEqualTo("b");
        }
        List<PoolMember> members = table.snapshot().entry("web").orElseThrow().pool();
        assertThat(members.getFirst().activeConnections() + members.getFirst().inactiveConnections())
                .as("a refused connect is not counted").isZero();
        assertThat(members.getFirst().counters().connections()).as("nor in Conns").isZero();
        assertThat(members.get(1).counters().connections()).isEqualTo(4);
    }

    @Test
    void whenEveryConnectIsRefusedTheClientIsClosed() throws Exception {
        vport = freePort();
        serve(config("scheduler = rr", Map.of("dead", String.valueOf(freePort()))));

        assertThat(servedBy()).isNull();
        await().atMost(Duration.ofSeconds(2)).until(() -> engine.connections().isEmpty());
        PoolMember dead = table.snapshot().entry("web").orElseThrow().pool().getFirst();
        assertThat(dead.activeConnections() + dead.inactiveConnections()).isZero();
    }

    @Test
    void theSorryServerServesOnlyWhileNoRealServerIsUp() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer sorry = realServer("sorry");
        Config config = config("scheduler = rr\n     check = tcp\n     sorry_server = 127.0.0.1:" + sorry.port(), servers(a));
        serve(config);

        assertThat(servedBy()).isEqualTo("sorry");

        MemberKey key = new MemberKey(config.virtualServers().getFirst().key(), InetAddress.getLoopbackAddress(), a.port());
        engine.apply(table.setHealth(key, true, 1));
        assertThat(servedBy()).isEqualTo("a");
    }

    @Test
    void aQuiescedRealServerKeepsItsOpenConnectionButGetsNoNewOnes() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        Config config = config("scheduler = rr", servers(a, b));
        serve(config);

        try (Client toA = new Client()) {
            assertThat(toA.line()).isEqualTo("a");
            MemberKey keyA = new MemberKey(config.virtualServers().getFirst().key(), InetAddress.getLoopbackAddress(), a.port());
            engine.apply(table.setHealth(keyA, true, 0));

            assertThat(servedBy()).isEqualTo("b");
            assertThat(servedBy()).isEqualTo("b");
            assertThat(toA.echo("still here")).isEqualTo("still here");
        }
    }

    @Test
    void aReloadThatChangesWeightsKeepsOpenConnectionsAndTheListener() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        serve(config("scheduler = wrr", servers(a, b)));
        var listener = engine.listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), vport));

        try (Client client = new Client()) {
            String first = client.line();
            Map<String, String> heavier = new java.util.LinkedHashMap<>();
            heavier.put("a", a.port() + " 5");
            heavier.put("b", b.port() + " 2");
            serve(config("scheduler = wrr", heavier));

            assertThat(client.echo("after reload")).isEqualTo("after reload");
            assertThat(first).isIn("a", "b");
        }
        assertThat(engine.listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), vport))).isEqualTo(listener).isNotEmpty();
    }

    @Test
    void aRemovedRealServersConnectionIsCutAfterTheDrainTimeout() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        serve(config("scheduler = rr\n     drain_timeout = 1", servers(a, b)));

        try (Client toA = new Client()) {
            assertThat(toA.line()).isEqualTo("a");
            serve(config("scheduler = rr\n     drain_timeout = 1", servers(b)));

            assertThat(toA.echo("within the drain limit")).isEqualTo("within the drain limit");
            toA.socket.setSoTimeout(4000);
            assertThat(toA.line()).as("cut after drain_timeout").isNull();
        }
    }

    @Test
    void countersFollowTheTraffic() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        serve(config("scheduler = rr", servers(a)));
        PoolMember member = table.snapshot().entry("web").orElseThrow().pool().getFirst();

        try (Client client = new Client()) {
            client.line();
            client.echo("0123456789");
            assertThat(member.activeConnections()).isEqualTo(1);
            client.socket.shutdownOutput();
            client.line();
        }
        // As in IPVS, the closed connection lingers in TIME_WAIT, counted as inactive.
        await().atMost(Duration.ofSeconds(2)).until(() -> member.activeConnections() == 0);
        assertThat(member.inactiveConnections()).isEqualTo(1);
        assertThat(engine.connections()).isEmpty();
        assertThat(member.counters().connections()).isEqualTo(1);
        assertThat(member.counters().inBytes()).isEqualTo(11);
        assertThat(member.counters().outBytes()).isEqualTo("a\n0123456789\nbye 11\n".length());
    }

    @Test
    void aSlowClientDoesNotMakeTheProxyBufferWithoutBound() throws Exception {
        vport = freePort();
        TestRealServer bulk = new TestRealServer("bulk", true);
        closeAfter.add(bulk);
        serve(config("scheduler = rr", servers(bulk)));

        try (Client client = new Client()) {
            client.socket.setReceiveBufferSize(64 * 1024);
            // The client reads nothing: the real server can only write what the socket buffers hold.
            Thread.sleep(1500);
            long written = bulk.bulkWritten.get();
            Thread.sleep(500);
            assertThat(bulk.bulkWritten.get()).as("the real server is held back").isEqualTo(written);
            assertThat(written).as("bytes in flight").isLessThan(32L * 1024 * 1024);
            byte[] some = client.socket.getInputStream().readNBytes(1024 * 1024);
            assertThat(some).hasSize(1024 * 1024);
        }
    }

    @Test
    void listensOnAnAddressThatIsNotOnTheHostYet() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(engineTransport().epoll(), "IP_FREEBIND needs the epoll transport");
        vport = freePort();
        Config config = LvsConfig.parse("test.cf", """
                virtual vip {
                     active = 1
                     address = 192.0.2.123 eth0:9
                     port = %d
                     check = none
                     server s {
                          address = 127.0.0.1
                          active = 1
                     }
                }
                """.formatted(vport)).config().orElseThrow();
        serve(config);

        assertThat(engine.listening()).contains(new InetSocketAddress(InetAddress.getByName("192.0.2.123"), vport));
    }

    @Test
    void anIdleConnectionIsClosedAfterTcpTimeout() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        serve(config("tcp_timeout = 1", "scheduler = rr", servers(a)));

        try (Client client = new Client()) {
            assertThat(client.line()).isEqualTo("a");
            long start = System.nanoTime();
            assertThat(client.line()).as("closed when idle").isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(4));
        }
    }

    @Test
    void aHalfClosedConnectionIsClosedAfterTcpfinTimeout() throws Exception {
        vport = freePort();
        ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        closeAfter.add(silent);
        List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                accepted.add(silent.accept());
            } catch (IOException e) {
                // closed by the test
            }
        });
        serve(config("tcpfin_timeout = 1", "scheduler = rr", Map.of("s", String.valueOf(silent.getLocalPort()))));

        try (Client client = new Client()) {
            await().atMost(Duration.ofSeconds(2)).until(() -> !accepted.isEmpty());
            client.socket.shutdownOutput();
            await().atMost(Duration.ofSeconds(2)).until(() -> engine.connections().stream()
                    .anyMatch(c -> c.state().equals("CLOSE_WAIT")));
            assertThat(client.line()).as("closed by tcpfin_timeout, not by the silent real server").isNull();
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void theUpperThresholdOverloadsARealServerThroughTheDataPath() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        Config config = LvsConfig.parse("test.cf", """
                virtual web {
                     active = 1
                     address = 127.0.0.1 lo
                     port = %d
                     check = none
                     scheduler = rr
                     server a {
                          address = 127.0.0.1
                          port = %d
                          active = 1
                          u_threshold = 1
                     }
                     server b {
                          address = 127.0.0.1
                          port = %d
                          active = 1
                     }
                }
                """.formatted(vport, a.port(), b.port())).config().orElseThrow();
        serve(config);

        try (Client toA = new Client()) {
            assertThat(toA.line()).isEqualTo("a");
            assertThat(table.snapshot().entry("web").orElseThrow().pool().getFirst().overloaded()).isTrue();
            assertThat(servedBy()).isEqualTo("b");
            assertThat(servedBy()).isEqualTo("b");
        }
    }

    @Test
    void theNioFallbackRelaysToo() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        serveWith(Transport.nio(), config("scheduler = rr", servers(a)));

        try (Client client = new Client()) {
            assertThat(client.line()).isEqualTo("a");
            assertThat(client.echo("over nio")).isEqualTo("over nio");
            client.socket.shutdownOutput();
            assertThat(client.line()).isEqualTo("bye 9");
        }
        assertThat(engine.name()).isEqualTo("proxy (nio)");
    }

    /**
     * One request/answer exchange as a client that writes its whole request, shuts its side at once and
     * reads to the end: "ok", or what went wrong (the bytes that arrived, which of them were wrong).
     */
    private static String exchange(int port, long requestSize, long answerSize) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[64 * 1024];
            for (long sent = 0; sent < requestSize; ) {
                int n = (int) Math.min(buffer.length, requestSize - sent);
                for (int i = 0; i < n; i++) {
                    buffer[i] = AnswerServer.pattern(sent + i);
                }
                out.write(buffer, 0, n);
                crc.update(buffer, 0, n);
                sent += n;
            }
            socket.shutdownOutput();
            return readAnswer(socket.getInputStream(), requestSize, (int) crc.getValue(), answerSize);
        }
    }

    private static String readAnswer(InputStream in, long requestSize, int requestCrc, long answerSize) throws IOException {
        byte[] header = in.readNBytes(12);
        if (header.length < 12) {
            return "answer cut in its header after " + header.length + " bytes";
        }
        ByteBuffer head = ByteBuffer.wrap(header);
        long requestSeen = head.getLong();
        int crcSeen = head.getInt();
        if (requestSeen != requestSize || crcSeen != requestCrc) {
            return "the real server saw " + requestSeen + " request bytes of " + requestSize
                    + (crcSeen == requestCrc ? "" : ", with other content");
        }
        byte[] buffer = new byte[64 * 1024];
        long received = 0;
        for (int n; (n = in.read(buffer)) > 0; received += n) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] != AnswerServer.pattern(received + i)) {
                    return "answer byte " + (received + i) + " is wrong";
                }
            }
        }
        return received == answerSize ? "ok" : "answer cut: " + received + " bytes of " + answerSize;
    }

    private static final long[] SIZES = {1, 100, 1460, 64 * 1024, 1024 * 1024, 8 * 1024 * 1024};

    private static int tries(long size) {
        return size <= 64 * 1024 ? 200 : size <= 1024 * 1024 ? 20 : 5;
    }

    /**
     * At every size, the same exchange made directly and then {@link #tries} times through the proxy:
     * every one through the proxy must arrive whole, as the direct one did.
     */
    private void everyExchangeArrivesWhole(java.util.function.LongUnaryOperator requestSize) throws IOException {
        vport = freePort();
        AnswerServer server = new AnswerServer(0, true);
        closeAfter.add(server);
        serve(config("scheduler = rr", Map.of("s", String.valueOf(server.port()))));

        for (long size : SIZES) {
            server.answerSize = size;
            long request = requestSize.applyAsLong(size);
            assertThat(exchange(server.port(), request, size)).as("directly, %d bytes", size).isEqualTo("ok");
            Map<String, Integer> outcomes = new java.util.TreeMap<>();
            for (int i = 0; i < tries(size); i++) {
                outcomes.merge(exchange(vport, request, size), 1, Integer::sum);
            }
            assertThat(outcomes).as("through the proxy: a %d-byte request, a %d-byte answer", request, size)
                    .containsOnlyKeys("ok");
        }
    }

    @Test
    void aRequestAndFinSentAtOnceGetTheWholeAnswerAtEverySize() throws Exception {
        everyExchangeArrivesWhole(size -> size);
    }

    @Test
    void bytesAndFinThatArriveBeforeTheUpstreamConnectCompletesAreForwarded() throws Exception {
        vport = freePort();
        AnswerServer slow = new AnswerServer(1000, false);
        closeAfter.add(slow);
        // A full accept queue makes the kernel drop the proxy's SYN: its connect waits for the retransmission.
        List<Socket> queueFillers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Socket filler = new Socket();
            filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), slow.port()), 2000);
            queueFillers.add(filler);
        }
        serve(config("scheduler = rr", Map.of("s", String.valueOf(slow.port()))));

        var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return exchange(vport, 100_000, 1000);
            } catch (IOException e) {
                return e.toString();
            }
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> engine.connections().stream()
                .anyMatch(c -> c.state().equals("SYN_RECV")));
        Thread.sleep(300);
        assertThat(engine.connections()).as("the request and its FIN were sent while the upstream was connecting")
                .extracting(c -> c.state()).containsExactly("SYN_RECV");
        for (Socket filler : queueFillers) {
            filler.close();
        }
        slow.startAccepting();

        assertThat(answer.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("ok");
    }

    @Test
    void aLargeAnswerToAHalfClosedClientArrivesWholeAfterBothFins() throws Exception {
        everyExchangeArrivesWhole(size -> 10);
    }

    @Test
    void backPressureHoldsAfterTheRealServersFin() throws Exception {
        vport = freePort();
        long size = 8 * 1024 * 1024;
        AnswerServer server = new AnswerServer(size, true);
        closeAfter.add(server);
        serve(config("scheduler = rr", Map.of("s", String.valueOf(server.port()))));

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(64 * 1024);
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), vport), 2000);
            client.setSoTimeout(15_000);
            client.getOutputStream().write(new byte[] {AnswerServer.pattern(0)});
            client.shutdownOutput();
            // The client reads nothing for a while: the real server has written and sent its FIN.
            long most = 0;
            for (int i = 0; i < 20; i++) {
                Thread.sleep(100);
                most = Math.max(most, engine.bufferedBytes());
            }
            assertThat(most).as("bytes held by the proxy for one connection").isLessThanOrEqualTo(256 * 1024);

            CRC32 crc = new CRC32();
            crc.update(AnswerServer.pattern(0));
            assertThat(readAnswer(client.getInputStream(), 1, (int) crc.getValue(), size)).isEqualTo("ok");
        }
    }

    private static MemberKey key(Config config, TestRealServer real) {
        return new MemberKey(config.virtualServers().getFirst().key(), InetAddress.getLoopbackAddress(), real.port());
    }

    /** Serves a checked virtual server whose real servers are both up already. */
    private void serveWithBothUp(Config config, MemberKey first, MemberKey second) {
        table.apply(config);
        table.setHealth(first, true, 1);
        table.setHealth(second, true, 1);
        engine = new ProxyEngine(table::snapshot);
        engine.apply(table.snapshot());
    }

    @Test
    void onceADrainHasBegunNoSnapshotOpensAListenerAgain() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        Config config = config("scheduler = rr\n     check = tcp", servers(a, b));
        MemberKey keyA = key(config, a);
        MemberKey keyB = key(config, b);
        serveWithBothUp(config, keyA, keyB);

        try (Client open = new Client()) {
            assertThat(open.line()).isIn("a", "b");
            var drained = java.util.concurrent.CompletableFuture.supplyAsync(() -> engine.drain(Duration.ofSeconds(3)));
            await().atMost(Duration.ofSeconds(2)).until(() -> engine.listening().isEmpty());

            engine.apply(table.setHealth(keyB, false, 1));
            engine.apply(table.setHealth(keyB, true, 1));
            serve(config);

            assertThat(engine.listening()).as("listeners during the drain").isEmpty();
            assertThat(open.echo("still served")).isEqualTo("still served");
            open.close();
            assertThat(drained.get(5, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        }
        assertThat(engine.listening()).isEmpty();
    }

    @Test
    void aSnapshotTellsOnlyTheConnectionsOfRealServersThatLeftOrCameBack() throws Exception {
        vport = freePort();
        TestRealServer a = realServer("a");
        TestRealServer b = realServer("b");
        Config config = config("scheduler = rr\n     check = tcp", servers(a, b));
        MemberKey keyA = key(config, a);
        MemberKey keyB = key(config, b);
        serveWithBothUp(config, keyA, keyB);
        Map<String, Integer> perServer = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            Client client = new Client();
            closeAfter.add(client);
            perServer.merge(client.line(), 1, Integer::sum);
        }
        assertThat(perServer).containsEntry("a", 100).containsEntry("b", 100);

        for (int weight = 2; weight <= 50; weight++) {
            engine.apply(table.setHealth(keyB, true, weight));
        }
        assertThat(engine.relayNotices()).as("weight steps of a real server that stays").isZero();

        engine.apply(table.setHealth(keyB, false, 1));
        assertThat(engine.relayNotices()).as("b left: its connections drain").isEqualTo(100);
        engine.apply(table.setHealth(keyA, true, 3));
        assertThat(engine.relayNotices()).isEqualTo(100);
        engine.apply(table.setHealth(keyB, true, 1));
        assertThat(engine.relayNotices()).as("b is back: its connections stay").isEqualTo(200);
    }

    private Transport engineTransport() {
        return Transport.best();
    }
}
