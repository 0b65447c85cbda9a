package io.fulcrum.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.Config;
import io.fulcrum.table.VirtualServerTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fwmark group through the proxy: one listener per port of the group on the VIP, each connection
 * to the real server on the port the client asked for, and one persistence table for the group.
 * The VIP is 127.0.44.1, the real servers a, b, c are 127.0.44.2..4 and each listens on every port
 * of the group, answering with its name and the port it was reached on.
 */
class FwmarkProxyTest {

    private static final InetAddress VIP = InetAddress.ofLiteral("127.0.44.1");
    private static final List<InetAddress> REAL = List.of(InetAddress.ofLiteral("127.0.44.2"),
            InetAddress.ofLiteral("127.0.44.3"), InetAddress.ofLiteral("127.0.44.4"));
    private static final List<String> NAMES = List.of("a", "b", "c");

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final VirtualServerTable table = new VirtualServerTable();
    private ProxyEngine engine;

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        for (AutoCloseable c : closeAfter.reversed()) {
            c.close();
        }
    }

    /** Real servers a, b, c listening on each of {@code ports}; each greets with "name:port". */
    private void realServersOn(int... ports) throws IOException {
        for (int i = 0; i < REAL.size(); i++) {
            for (int port : ports) {
                closeAfter.add(new TestRealServer(NAMES.get(i) + ":" + port, new InetSocketAddress(REAL.get(i), port)));
            }
        }
    }

    private static Config config(String fwmarkPorts, String virtualKeys) {
        StringBuilder text = new StringBuilder("""
                virtual ftp {
                     active = 1
                     address = 127.0.44.1 lo
                     fwmark = 21
                     fwmark_ports = %s
                     scheduler = rr
                     check = none
                %s
                """.formatted(fwmarkPorts, virtualKeys));
        for (int i = 0; i < REAL.size(); i++) {
            text.append("""
                         server %s {
                              address = %s
                              active = 1
                         }
                    """.formatted(NAMES.get(i), REAL.get(i).getHostAddress()));
        }
        text.append("}\n");
        ConfigResult result = LvsConfig.parse("test.cf", text.toString());
        assertThat(result.errors()).isEmpty();
        return result.config().orElseThrow();
    }

    private void serve(Config config) {
        table.apply(config);
        if (engine == null) {
            engine = new ProxyEngine(table::snapshot);
        }
        engine.apply(table.snapshot());
    }

    /** A connection from {@code client} to VIP:{@code port}; its first line is "real server:port". */
    private final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;

        Client(String client, int port) throws IOException {
            socket.bind(new InetSocketAddress(InetAddress.ofLiteral(client), 0));
            socket.connect(new InetSocketAddress(VIP, port), 5000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        String line() throws IOException {
            return in.readLine();
        }

        String echo(String text) throws IOException {
            socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            return line();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private String servedBy(String client, int port) throws IOException {
        try (Client connection = new Client(client, port)) {
            return connection.line();
        }
    }

    @Test
    void aPersistentClientStaysOnOneRealServerAcrossThePortsOfTheGroup() throws Exception {
        int a = PortBlock.free(2, all());
        int b = a + 1;
        realServersOn(a, b);
        serve(config(a + " " + b, "persistent = 60"));

        Set<String> firstServers = new HashSet<>();
        for (String client : List.of("127.0.44.10", "127.0.44.11", "127.0.44.12")) {
            String first = servedBy(client, a);
            String server = first.substring(0, first.indexOf(':'));
            assertThat(first).isEqualTo(server + ":" + a);
            for (int i = 0; i < 3; i++) {
                assertThat(servedBy(client, b)).as("client %s on the group's other port", client).isEqualTo(server + ":" + b);
                assertThat(servedBy(client, a)).isEqualTo(server + ":" + a);
            }
            firstServers.add(server);
        }
        assertThat(firstServers).as("rr placed each new client on the next real server").containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void withoutPersistenceEachConnectionIsScheduledAndKeepsItsPort() throws Exception {
        int a = PortBlock.free(2, all());
        int b = a + 1;
        realServersOn(a, b);
        serve(config(a + " " + b, ""));

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(servedBy("127.0.44.10", i % 2 == 0 ? a : b));
        }
        assertThat(seen).containsExactly("a:" + a, "b:" + b, "c:" + a, "a:" + b, "b:" + a, "c:" + b);
    }

    @Test
    void aRangeOfAThousandPortsIsListenedOnAndServed() throws Exception {
        int first = PortBlock.free(1000, List.of(VIP));
        int last = first + 999;
        realServersOn(last);
        serve(config(first + "-" + last, "persistent = 60"));

        assertThat(engine.listening()).hasSize(1000)
                .contains(new InetSocketAddress(VIP, first), new InetSocketAddress(VIP, last));
        assertThat(servedBy("127.0.44.10", last)).isEqualTo("a:" + last);
    }

    @Test
    void aReloadKeepsTheListenersOfPortsThatStayOpensNewOnesAndClosesRemovedOnesButNotTheirConnections()
            throws Exception {
        int a = PortBlock.free(3, all());
        int b = a + 1;
        int c = a + 2;
        realServersOn(a, b, c);
        serve(config(a + " " + b, "persistent = 60"));
        List<io.netty.channel.Channel> kept = engine.listener(new InetSocketAddress(VIP, b));

        assertThat(servedBy("127.0.44.10", a)).isEqualTo("a:" + a);
        try (Client open = new Client("127.0.44.11", a)) {
            String server = open.line();
            assertThat(server).as("rr's second pick, which a fresh scheduler would not repeat").isEqualTo("b:" + a);
            serve(config(b + " " + c, "persistent = 60"));

            assertThat(engine.listening()).containsExactlyInAnyOrder(new InetSocketAddress(VIP, b), new InetSocketAddress(VIP, c));
            assertThat(engine.listener(new InetSocketAddress(VIP, b))).isNotEmpty().isEqualTo(kept);
            assertThat(open.echo("still here")).as("the connection on the removed port").isEqualTo("still here");
            String name = server.substring(0, server.indexOf(':'));
            assertThat(servedBy("127.0.44.11", c)).as("the new port, in the same persistence table").isEqualTo(name + ":" + c);
        }
        assertThat(refused(a)).as("nothing listens on the removed port").isTrue();
    }

    private static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(VIP, port), 5000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static List<InetAddress> all() {
        List<InetAddress> addresses = new ArrayList<>(REAL);
        addresses.add(VIP);
        return addresses;
    }
}
