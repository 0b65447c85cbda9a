package io.fulcrum.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.health.HealthMonitor;
import io.fulcrum.health.HealthState;
import io.fulcrum.model.Config;
import io.fulcrum.model.Protocol;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.VirtualServerEntry;
import io.fulcrum.table.VirtualServerTable.MemberKey;
import io.fulcrum.table.VirtualServerTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** UDP virtual servers through the real engine on loopback, against DNS-like real servers on 127.0.0.x. */
class UdpProxyTest {

    private static final InetAddress VIP = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final VirtualServerTable table = new VirtualServerTable();
    private ProxyEngine engine;
    private HealthMonitor health;
    private int vport;

    @AfterEach
    void tearDown() throws Exception {
        if (health != null) {
            health.close();
        }
        if (engine != null) {
            engine.close();
        }
        for (AutoCloseable c : closeAfter.reversed()) {
            c.close();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(VIP, 0))) {
            return s.getLocalPort();
        }
    }

    /** Real server {@code name} on 127.0.0.{@code host}. */
    private UdpRealServer realServer(String name, int host) throws IOException {
        UdpRealServer server = new UdpRealServer(name, "127.0.0." + host);
        closeAfter.add(server);
        return server;
    }

    private static Map<UdpRealServer, Integer> weights(Object... serverThenWeight) {
        Map<UdpRealServer, Integer> weights = new LinkedHashMap<>();
        for (int i = 0; i < serverThenWeight.length; i += 2) {
            weights.put((UdpRealServer) serverThenWeight[i], (Integer) serverThenWeight[i + 1]);
        }
        return weights;
    }

    private static Map<UdpRealServer, Integer> equal(UdpRealServer... servers) {
        Map<UdpRealServer, Integer> weights = new LinkedHashMap<>();
        for (UdpRealServer server : servers) {
            weights.put(server, 1);
        }
        return weights;
    }

    /** A config with one UDP virtual server "dns" on 127.0.0.1:vport, unchecked unless {@code virtualKeys} say otherwise. */
    private Config config(String globals, String virtualKeys, Map<UdpRealServer, Integer> servers) {
        StringBuilder text = new StringBuilder(globals + """

                virtual dns {
                     active = 1
                     address = 127.0.0.1 lo
                     port = %d
                     protocol = udp
                     %s
                %s
                """.formatted(vport, virtualKeys.contains("check =") ? "" : "check = none", virtualKeys));
        servers.forEach((server, weight) -> text.append("""
                     server %s {
                          address = %s
                          port = %d
                          weight = %d
                          active = 1
                     }
                """.formatted(server.name, server.address().getHostAddress(), server.port(), weight)));
        text.append("}\n");
        ConfigResult result = LvsConfig.parse("test.cf", text.toString());
        assertThat(result.errors()).isEmpty();
        return result.config().orElseThrow();
    }

    private Config config(String virtualKeys, Map<UdpRealServer, Integer> servers) {
        return config("", virtualKeys, servers);
    }

    private void serve(Config config) {
        table.apply(config);
        if (engine == null) {
            engine = new ProxyEngine(table::snapshot);
        }
        engine.apply(table.snapshot());
    }

    private MemberKey key(Config config, UdpRealServer real) {
        return new MemberKey(config.virtualServers().getFirst().key(), real.address(), real.port());
    }

    private PoolMember member(UdpRealServer real) {
        VirtualServerEntry entry = table.snapshot().entry("dns").orElseThrow();
        return entry.pool().stream().filter(m -> m.realServer().port() == real.port()).findFirst().orElseThrow();
    }

    private List<ConnectionView> udpConnections() {
        return engine.connections().stream().filter(c -> c.protocol() == Protocol.UDP).toList();
    }

    /** A client address and port: one flow through the proxy. Its socket is connected to the VIP, so it takes answers from there only. */
    private final class Client implements AutoCloseable {
        final DatagramSocket socket;

        Client() throws IOException {
            this("127.0.0.1");
        }

        Client(String address) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
            socket.connect(new InetSocketAddress(VIP, vport));
            socket.setSoTimeout(1000);
            closeAfter.add(this);
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        /**
         * Sends {@code query} (again after a second without an answer: UDP may lose it) and returns
         * its answer, the real server's name and a newline followed by the query (a late answer to
         * an earlier query is skipped).
         */
        byte[] exchange(byte[] query) throws IOException {
            byte[] buffer = new byte[65536];
            for (int attempt = 0; ; attempt++) {
                socket.send(new DatagramPacket(query, query.length));
                try {
                    while (true) {
                        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                        socket.receive(answer);
                        assertThat(answer.getSocketAddress()).as("the answer's source").isEqualTo(new InetSocketAddress(VIP, vport));
                        byte[] received = Arrays.copyOf(buffer, answer.getLength());
                        if (received.length > query.length && received[received.length - query.length - 1] == '\n'
                                && Arrays.equals(received, received.length - query.length, received.length, query, 0, query.length)) {
                            return received;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    if (attempt == 9) {
                        throw e;
                    }
                }
            }
        }

        /** The name of the real server that answers {@code query}. */
        String ask(String query) throws IOException {
            String answer = new String(exchange(query.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            return answer.substring(0, answer.indexOf('\n'));
        }

        /** True when nothing answers within a second (or the VIP's port is closed). */
        boolean unanswered(String query) throws IOException {
            socket.send(new DatagramPacket(query.getBytes(StandardCharsets.UTF_8), query.length()));
            try {
                socket.receive(new DatagramPacket(new byte[65536], 65536));
                return false;
            } catch (SocketTimeoutException | PortUnreachableException e) {
                return true;
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** The real server of a new flow, asked three times: every datagram of a flow goes to the same one. */
    private String newFlow() throws IOException {
        try (Client client = new Client()) {
            String first = client.ask("q1");
            assertThat(client.ask("q2")).isEqualTo(first);
            assertThat(client.ask("q3")).isEqualTo(first);
            return first;
        }
    }

    @Test
    void roundRobinSchedulesEachNewFlowAndAFlowStaysOnItsRealServer() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        UdpRealServer c = realServer("c", 4);
        serve(config("scheduler = rr", equal(a, b, c)));

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(newFlow());
        }

        assertThat(seen).containsExactly("a", "b", "c", "a", "b", "c");
        for (UdpRealServer real : List.of(a, b, c)) {
            assertThat(Set.copyOf(real.askers)).as("one proxy socket for each of the two flows to %s", real.name).hasSize(2);
        }
    }

    @Test
    void weightedRoundRobinFollowsIpvsSequence() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        UdpRealServer c = realServer("c", 4);
        serve(config("scheduler = wrr", weights(a, 4, b, 3, c, 2)));

        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 18; i++) {
            seen.append(newFlow().toUpperCase());
        }

        assertThat(seen.toString()).as("ipvs.md 1.2, weights 4,3,2").isEqualTo("AABABCABC".repeat(2));
    }

    /** Each flow stays open (its client keeps its socket): wlc weighs them as inactive connections. */
    private Map<String, Integer> openFlows(int count) throws IOException {
        Map<String, Integer> perServer = new HashMap<>();
        for (int i = 0; i < count; i++) {
            perServer.merge(new Client().ask("q"), 1, Integer::sum);
        }
        return perServer;
    }

    @Test
    void weightedLeastConnectionSpreadsOpenFlowsByWeight() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        serve(config("scheduler = wlc", weights(a, 3, b, 1)));

        assertThat(openFlows(8)).containsEntry("a", 6).containsEntry("b", 2);
        assertThat(member(a).inactiveConnections()).isEqualTo(6);
        assertThat(member(b).inactiveConnections()).isEqualTo(2);
    }

    @Test
    void shortestExpectedDelaySeesNoActiveFlowsAndPicksTheHeaviestAsIpvsDoes() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        serve(config("scheduler = sed", weights(a, 1, b, 2)));

        assertThat(openFlows(4)).as("ipvs.md 1.6: UDP connections are never active").containsOnly(Map.entry("b", 4));
    }

    @Test
    void aPersistentClientAddressSticksToItsRealServerAcrossFlows() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        serve(config("scheduler = rr\n     persistent = 60", equal(a, b)));

        List<String> fromOneAddress = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fromOneAddress.add(newFlow());
        }
        String other;
        try (Client elsewhere = new Client("127.0.0.9")) {
            other = elsewhere.ask("q");
        }

        assertThat(fromOneAddress).containsExactly("a", "a", "a", "a", "a");
        assertThat(other).as("another client address is scheduled").isEqualTo("b");
        assertThat(Set.copyOf(a.askers)).as("each flow its own socket").hasSize(5);
    }

    @Test
    void aSilentFlowExpiresAfterUdpTimeoutAndAnActiveOneDoesNot() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        serve(config("udp_timeout = 3", "scheduler = rr", equal(a, b)));
        Client client = new Client();

        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            assertThat(client.ask("still talking")).as("a flow with traffic outlives udp_timeout").isEqualTo("a");
            Thread.sleep(100);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> udpConnections().isEmpty() && member(a).inactiveConnections() == 0);

        assertThat(client.ask("after the silence")).as("a new flow, scheduled again").isEqualTo("b");
        assertThat(member(a).inactiveConnections()).isZero();
        assertThat(member(b).inactiveConnections()).isEqualTo(1);
    }

    @Test
    void flowsCountAsInactiveConnectionsAndAreListedAsIpvsListsUdpEntries() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        serve(config("scheduler = rr", equal(a, b)));
        Client first = new Client();
        Client second = new Client();

        assertThat(first.ask("query")).isEqualTo("a");
        assertThat(second.ask("query")).isEqualTo("b");

        assertThat(member(a).activeConnections()).isZero();
        assertThat(member(a).inactiveConnections()).isEqualTo(1);
        assertThat(member(b).inactiveConnections()).isEqualTo(1);
        assertThat(member(a).counters().connections()).isEqualTo(1);
        long in = member(a).counters().inBytes();
        assertThat(in).as("one query, or more if one was sent again").isPositive().isEqualTo(in / 5 * 5);
        assertThat(member(a).counters().outBytes()).as("as many answers").isEqualTo(in / 5 * "a\nquery".length());
        List<ConnectionView> listed = udpConnections();
        assertThat(listed).hasSize(2).allSatisfy(view -> {
            assertThat(view.state()).isEqualTo("UDP");
            assertThat(view.virtual()).isEqualTo(new InetSocketAddress(VIP, vport));
            assertThat(view.expires()).isBetween(Duration.ofSeconds(250), Duration.ofSeconds(300));
        });
        assertThat(listed).extracting(ConnectionView::client, ConnectionView::real).containsExactlyInAnyOrder(
                tuple(first.address(), new InetSocketAddress(a.address(), a.port())),
                tuple(second.address(), new InetSocketAddress(b.address(), b.port())));
    }

    @Test
    void aRealServerMarkedDownGetsNoNewFlowsAndItsFlowsAreScheduledAgain() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        Config config = config("scheduler = rr", equal(a, b));
        serve(config);
        Client toA = new Client();
        assertThat(toA.ask("before")).isEqualTo("a");

        engine.apply(table.setHealth(key(config, a), false, 1));

        await().atMost(Duration.ofSeconds(5)).until(() -> udpConnections().isEmpty());
        int queriesToA = a.askers.size();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seen.add(newFlow());
        }
        assertThat(seen).containsExactly("b", "b", "b");
        assertThat(toA.ask("after")).as("the flow to a ended; its next datagram is a new flow").isEqualTo("b");
        assertThat(a.askers).hasSize(queriesToA);
    }

    @Test
    void aQuiescedRealServerKeepsItsFlowsButGetsNoNewOnes() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        Config config = config("scheduler = rr", equal(a, b));
        serve(config);
        Client toA = new Client();
        assertThat(toA.ask("before")).isEqualTo("a");

        engine.apply(table.setHealth(key(config, a), true, 0));

        assertThat(newFlow()).isEqualTo("b");
        assertThat(newFlow()).isEqualTo("b");
        assertThat(toA.ask("after")).isEqualTo("a");
        assertThat(member(a).inactiveConnections()).isEqualTo(1);
    }

    @Test
    void theSorryServerTakesFlowsWhileNoRealServerIsUpAndLetsThemGoWhenOneReturns() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer sorry = realServer("sorry", 1);
        Config config = config("scheduler = rr\n     check = tcp\n     sorry_server = 127.0.0.1:" + sorry.port(), equal(a));
        serve(config);
        Client client = new Client();
        assertThat(client.ask("while a is unchecked")).isEqualTo("sorry");

        engine.apply(table.setHealth(key(config, a), true, 1));

        await().atMost(Duration.ofSeconds(5)).until(() -> udpConnections().isEmpty());
        assertThat(client.ask("a is up")).as("lvsd deletes the sorry server: its flow ends").isEqualTo("a");
        assertThat(newFlow()).isEqualTo("a");
    }

    @Test
    void aReloadKeepsTheFlowsOfRealServersThatStayAndEndsTheOthers() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        serve(config("scheduler = wrr", equal(a, b)));
        Client toA = new Client();
        Client toB = new Client();
        assertThat(toA.ask("q")).isEqualTo("a");
        assertThat(toB.ask("q")).isEqualTo("b");
        var listening = engine.udp().channels(new InetSocketAddress(VIP, vport));

        serve(config("scheduler = wrr", weights(a, 1, b, 5)));
        assertThat(toA.ask("after a weight change")).isEqualTo("a");
        assertThat(toB.ask("after a weight change")).isEqualTo("b");

        serve(config("scheduler = wrr", equal(b)));
        await().atMost(Duration.ofSeconds(5)).until(() -> udpConnections().size() == 1);
        assertThat(toA.ask("a was removed")).isEqualTo("b");
        assertThat(toB.ask("b stays")).isEqualTo("b");
        assertThat(Set.copyOf(b.askers)).as("b's flow kept its socket through both reloads").hasSize(2);
        assertThat(engine.udp().channels(new InetSocketAddress(VIP, vport))).isEqualTo(listening).isNotEmpty();
    }

    @Test
    void datagramBoundariesArePreservedBothWays() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        serve(config("scheduler = rr", equal(a)));
        Client client = new Client();
        Random random = new Random(12);

        for (int size : new int[] {1400, 60_000, 1, 8192}) {
            byte[] query = new byte[size];
            random.nextBytes(query);
            byte[] answer = client.exchange(query);

            assertThat(answer).as("%d bytes", size).hasSize(2 + size);
            assertThat(Arrays.copyOfRange(answer, 2, answer.length)).isEqualTo(query);
        }
        assertThat(a.querySizes).containsOnly(1400, 60_000, 1, 8192);
    }

    @Test
    void manyConcurrentFlowsAreEachServedWhole() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        serve(config("scheduler = rr", equal(a, b)));
        int flows = 200;

        Map<String, Integer> perServer = new HashMap<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < flows; i++) {
                Client client = new Client();
                int n = i;
                answers.add(clients.submit(() -> {
                    String first = client.ask("flow " + n + " query 1");
                    assertThat(client.ask("flow " + n + " query 2")).isEqualTo(first);
                    return first;
                }));
            }
            for (Future<String> answer : answers) {
                perServer.merge(answer.get(), 1, Integer::sum);
            }
        }

        assertThat(perServer.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(flows);
        assertThat(perServer).containsOnlyKeys("a", "b");
        assertThat(member(a).inactiveConnections() + member(b).inactiveConnections()).isEqualTo(flows);
        assertThat(udpConnections()).hasSize(flows);
        assertThat(a.askers.stream().collect(Collectors.toSet()).size() + b.askers.stream().collect(Collectors.toSet()).size())
                .as("one proxy socket per flow").isEqualTo(flows);
    }

    @Test
    void aRealServerThatStopsAnsweringItsUdpCheckIsTakenOutOfNewAndOpenFlows() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        // timeout = 3: a probe in flight when the real server goes gets no ICMP answer, only its timeout
        Config config = config("scheduler = rr\n     check = tcp\n     send = \"health\"\n     expect = \"*\"\n"
                + "     timeout = 3\n     check_interval = 0.2\n     rise = 1", equal(a, b));
        table.apply(config);
        engine = new ProxyEngine(table::snapshot);
        health = new HealthMonitor(event -> {
            boolean inPool = event.state() == HealthState.UP;
            engine.apply(table.setHealth(event.virtualServer(), event.realServer().address(), event.realServer().port(),
                    inPool, event.weight()));
        });
        engine.apply(table.snapshot());
        health.apply(config.virtualServers());
        await().atMost(Duration.ofSeconds(10)).until(() -> table.snapshot().entry("dns").orElseThrow().pool().size() == 2);
        Client toA = new Client();
        String first = toA.ask("before");

        (first.equals("a") ? a : b).close();

        String other = first.equals("a") ? "b" : "a";
        await().atMost(Duration.ofSeconds(20)).until(() -> table.snapshot().entry("dns").orElseThrow().pool().size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> udpConnections().isEmpty());
        assertThat(toA.ask("after")).isEqualTo(other);
        assertThat(newFlow()).isEqualTo(other);
    }

    @Test
    void aDrainStopsTheUdpListenersAndEndsTheirFlows() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        serve(config("scheduler = rr", equal(a)));
        Client client = new Client();
        assertThat(client.ask("q")).isEqualTo("a");

        engine.drain(Duration.ofSeconds(1));

        assertThat(engine.udp().listening()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> member(a).inactiveConnections() == 0);
        assertThat(client.unanswered("after the drain")).isTrue();
    }

    @Test
    void duringADrainOpenFlowsStillPassButNoNewFlowOpens() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        TestRealServer web = new TestRealServer("web");
        closeAfter.add(web);
        int webPort;
        try (ServerSocket s = new ServerSocket(0, 1, VIP)) {
            webPort = s.getLocalPort();
        }
        String tcpVirtual = """
                virtual web {
                     active = 1
                     address = 127.0.0.1 lo
                     port = %d
                     check = none
                     server w {
                          address = 127.0.0.1
                          port = %d
                          active = 1
                     }
                }
                """.formatted(webPort, web.port());
        serve(config(tcpVirtual, "scheduler = rr", equal(a)));
        Client open = new Client();
        assertThat(open.ask("before")).isEqualTo("a");

        try (Socket tcp = new Socket(VIP, webPort)) {
            tcp.setSoTimeout(5000);
            assertThat(new BufferedReader(new InputStreamReader(tcp.getInputStream(), StandardCharsets.UTF_8))
                    .readLine()).isEqualTo("web");
            var drained = CompletableFuture.supplyAsync(() -> engine.drain(Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.listening().isEmpty());

            assertThat(open.ask("during the drain")).isEqualTo("a");
            assertThat(new Client().unanswered("a new flow")).isTrue();

            tcp.close();
            assertThat(drained.get(10, TimeUnit.SECONDS)).isZero();
        }
        assertThat(engine.udp().listening()).isEmpty();
        assertThat(open.unanswered("after the drain")).isTrue();
    }

    @Test
    void theNioFallbackServesUdpToo() throws Exception {
        vport = freeUdpPort();
        UdpRealServer a = realServer("a", 2);
        UdpRealServer b = realServer("b", 3);
        table.apply(config("scheduler = rr", equal(a, b)));
        engine = new ProxyEngine(table::snapshot, Transport.nio(), 2);
        engine.apply(table.snapshot());

        assertThat(List.of(newFlow(), newFlow(), newFlow())).containsExactly("a", "b", "a");
    }
}
