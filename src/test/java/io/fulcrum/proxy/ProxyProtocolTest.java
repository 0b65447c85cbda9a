package io.fulcrum.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.VirtualServerTable;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HAProxy's PROXY protocol through the real engine on loopback: the header a real server gets
 * (parsed here by hand, byte by byte as the spec lays it out), and the header accepted from a
 * trusted front balancer, alone and in a chain of two engines.
 */
class ProxyProtocolTest {

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final InetAddress LOCALHOST = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final List<ProxyEngine> engines = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeAfter.reversed()) {
            c.close();
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"v1, 127.0.0.1", "v2, 127.0.0.1", "v1, ::1", "v2, ::1"})
    void theRealServerGetsTheHeaderBeforeTheClientsBytes(String version, String loopback) throws Exception {
        InetAddress address = InetAddress.ofLiteral(loopback);
        assumeTrue(canListenOn(address), "no " + loopback + " on this host");
        HeaderServer real = realServer("r1", address);
        InetSocketAddress vip = engine(address, "proxy_protocol = " + version, real);
        try (Socket client = connect(null, vip)) {
            byte[] sent = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            client.getOutputStream().write(sent);
            client.shutdownOutput();
            assertThat(readAll(client)).isEqualTo(concat("r1\n".getBytes(StandardCharsets.US_ASCII), sent));
            Header header = real.headers.poll(5, TimeUnit.SECONDS);
            assertThat(header).isNotNull();
            assertThat(header.version()).isEqualTo(version);
            assertThat(header.family()).isEqualTo(loopback.contains(":") ? "TCP6" : "TCP4");
            assertThat(header.source()).isEqualTo(client.getLocalSocketAddress());
            assertThat(header.destination()).isEqualTo(vip);
            if (version.equals("v1")) {
                assertThat(header.text()).isEqualTo("PROXY %s %s %s %d %d\r\n".formatted(header.family(), loopback,
                        loopback, client.getLocalPort(), vip.getPort()));
            }
        }
    }

    @Test
    void withoutProxyProtocolTheRealServerGetsOnlyTheClientsBytes() throws Exception {
        HeaderServer real = realServer("r1", LOCALHOST);
        InetSocketAddress vip = engine(LOCALHOST, "", real);
        try (Socket client = connect(null, vip)) {
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(new String(readAll(client), StandardCharsets.US_ASCII)).isEqualTo("r1\nhello\n");
            assertThat(real.headers.poll(5, TimeUnit.SECONDS)).isEqualTo(Header.NONE);
        }
    }

    @Test
    void inAChainOfTwoEnginesTheLastRealServerSeesTheOriginalClient() throws Exception {
        HeaderServer real = realServer("r1", LOCALHOST);
        InetSocketAddress back = engine(LOCALHOST, """
                proxy_protocol = v1
                accept_proxy_protocol = 1
                accept_proxy_from = 127.0.0.1
                """, real);
        InetSocketAddress front = engine(LOCALHOST, "proxy_protocol = v2", back.getPort());
        ProxyEngine backEngine = engines.getFirst();
        InetAddress clientAddress = InetAddress.ofLiteral("127.0.0.5");
        try (Socket client = connect(clientAddress, front)) {
            OutputStream out = client.getOutputStream();
            out.write("one\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(client.getInputStream());
            byte[] first = new byte["r1\none\n".length()];
            in.readFully(first);
            assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("r1\none\n");
            assertThat(backEngine.connections()).extracting(ConnectionView::client)
                    .containsExactly((InetSocketAddress) client.getLocalSocketAddress());
            out.write("two\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(new String(readAll(client), StandardCharsets.US_ASCII)).isEqualTo("two\n");
        }
        Header header = real.headers.poll(5, TimeUnit.SECONDS);
        assertThat(header).isNotNull();
        assertThat(header.text()).startsWith("PROXY TCP4 127.0.0.5 127.0.0.1 ");
        assertThat(header.source().getAddress()).isEqualTo(clientAddress);
        assertThat(header.destination()).isEqualTo(front);
    }

    @Test
    void anUntrustedClientCannotChooseTheAddressTheRealServerSees() throws Exception {
        HeaderServer real = realServer("r1", LOCALHOST);
        InetSocketAddress vip = engine(LOCALHOST, """
                proxy_protocol = v2
                accept_proxy_protocol = 1
                accept_proxy_from = 127.0.0.2 10.0.0.0/8
                """, real);
        try (Socket client = connect(null, vip)) {
            byte[] spoof = ("PROXY TCP4 203.0.113.66 127.0.0.1 1111 " + vip.getPort() + "\r\nhello\n")
                    .getBytes(StandardCharsets.US_ASCII);
            client.getOutputStream().write(spoof);
            client.shutdownOutput();
            assertThat(readAll(client)).isEqualTo(concat("r1\n".getBytes(StandardCharsets.US_ASCII), spoof));
            Header header = real.headers.poll(5, TimeUnit.SECONDS);
            assertThat(header).isNotNull();
            assertThat(header.source()).isEqualTo(client.getLocalSocketAddress());
        }
    }

    @Test
    void aTrustedFrontWithoutAValidHeaderIsClosedUnserved() throws Exception {
        HeaderServer real = realServer("r1", LOCALHOST);
        InetSocketAddress vip = engine(LOCALHOST, """
                connect_timeout = 0.5
                accept_proxy_protocol = 1
                accept_proxy_from = 127.0.0.0/8
                """, real);
        try (Socket client = connect(null, vip)) {
            client.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAllOrReset(client)).isEmpty();
        }
        long start = System.nanoTime();
        try (Socket silent = connect(null, vip)) {
            assertThat(readAllOrReset(silent)).isEmpty();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(4));
        try (Socket truncated = connect(null, vip)) {
            truncated.getOutputStream().write("PROXY TCP4 198.51".getBytes(StandardCharsets.US_ASCII));
            truncated.shutdownOutput();
            assertThat(readAllOrReset(truncated)).isEmpty();
        }
        assertThat(real.accepted.get()).isZero();
    }

    @Test
    void aHeaderSplitAcrossReadsAndTheBytesThatCameWithItArriveWhole() throws Exception {
        HeaderServer real = realServer("r1", LOCALHOST);
        InetSocketAddress vip = engine(LOCALHOST, """
                proxy_protocol = v1
                accept_proxy_protocol = 1
                accept_proxy_from = 127.0.0.1
                """, real);
        byte[] header = v2Header(InetAddress.ofLiteral("198.51.100.7"), 40000, InetAddress.ofLiteral("192.0.2.80"), 443);
        byte[] payload = new byte[256 << 10];
        new Random(12).nextBytes(payload);
        try (Socket client = connect(null, vip)) {
            OutputStream out = client.getOutputStream();
            out.write(header, 0, 7);
            out.flush();
            Thread.sleep(200);
            out.write(concat(Arrays.copyOfRange(header, 7, header.length), payload));
            client.shutdownOutput();
            assertThat(readAll(client)).isEqualTo(concat("r1\n".getBytes(StandardCharsets.US_ASCII), payload));
        }
        Header seen = real.headers.poll(5, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(seen.text()).isEqualTo("PROXY TCP4 198.51.100.7 192.0.2.80 40000 443\r\n");
    }

    @Test
    void aFrontsLocalHeaderNamesNoClientSoTheConnectionsOwnAddressStands() throws Exception {
        HeaderServer real = realServer("r1", LOCALHOST);
        InetSocketAddress vip = engine(LOCALHOST, """
                proxy_protocol = v1
                accept_proxy_protocol = 1
                accept_proxy_from = 127.0.0.1
                """, real);
        byte[] local = Arrays.copyOf(V2_SIGNATURE, 16);
        local[12] = 0x20; // version 2, LOCAL; family and length 0
        try (Socket client = connect(null, vip)) {
            client.getOutputStream().write(concat(local, "ping\n".getBytes(StandardCharsets.US_ASCII)));
            client.shutdownOutput();
            assertThat(new String(readAll(client), StandardCharsets.US_ASCII)).isEqualTo("r1\nping\n");
            Header header = real.headers.poll(5, TimeUnit.SECONDS);
            assertThat(header).isNotNull();
            assertThat(header.source()).isEqualTo(client.getLocalSocketAddress());
            assertThat(header.destination()).isEqualTo(vip);
        }
    }

    @Test
    void persistenceAndSourceHashingPlaceByTheClientTheHeaderNames() throws Exception {
        HeaderServer r1 = realServer("r1", LOCALHOST);
        HeaderServer r2 = realServer("r2", LOCALHOST);
        String trust = "accept_proxy_protocol = 1\naccept_proxy_from = 127.0.0.1\n";
        InetSocketAddress persistent = engine(LOCALHOST, trust + "scheduler = rr\npersistent = 60", r1, r2);
        List<String> placed = new ArrayList<>();
        for (String client : List.of("198.51.100.1", "198.51.100.2", "198.51.100.1", "198.51.100.2")) {
            placed.add(serverFor(persistent, client, 5000 + placed.size()));
        }
        assertThat(placed).containsExactly("r1", "r2", "r1", "r2");

        InetSocketAddress hashing = engine(LOCALHOST, trust + "scheduler = sh", r1, r2);
        Set<String> used = new HashSet<>();
        for (int i = 1; i <= 16; i++) {
            String client = "198.51.100." + i;
            String first = serverFor(hashing, client, 6000 + i);
            assertThat(serverFor(hashing, client, 7000 + i)).as(client).isEqualTo(first);
            used.add(first);
        }
        assertThat(used).containsExactlyInAnyOrder("r1", "r2");
    }

    /** Connects from 127.0.0.1 with a v1 header naming {@code client}: the real server that answers. */
    private static String serverFor(InetSocketAddress vip, String client, int port) throws IOException {
        try (Socket socket = connect(null, vip)) {
            socket.getOutputStream().write(("PROXY TCP4 " + client + " 127.0.0.1 " + port + " " + vip.getPort()
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            return new String(readAll(socket), StandardCharsets.US_ASCII).strip();
        }
    }

    /** One engine serving one virtual server on {@code address} with {@code keys}, over the real servers. */
    private InetSocketAddress engine(InetAddress address, String keys, HeaderServer... reals) throws IOException {
        return engine(address, keys, Arrays.stream(reals).mapToInt(HeaderServer::port).toArray());
    }

    private InetSocketAddress engine(InetAddress address, String keys, int... realPorts) throws IOException {
        int port = freePort(address);
        String host = address.getHostAddress();
        StringBuilder text = new StringBuilder("""
                virtual v {
                     active = 1
                     address = %s
                     port = %d
                     check = none
                %s
                """.formatted(host, port, keys));
        for (int i = 0; i < realPorts.length; i++) {
            text.append("""
                         server r%d {
                              address = %s
                              port = %d
                              active = 1
                         }
                    """.formatted(i + 1, host, realPorts[i]));
        }
        text.append("}\n");
        ConfigResult result = LvsConfig.parse("test.cf", text.toString());
        assertThat(result.errors()).isEmpty();
        VirtualServerTable table = new VirtualServerTable();
        table.apply(result.config().orElseThrow());
        ProxyEngine engine = new ProxyEngine(table::snapshot, Transport.best(), 1);
        closeAfter.add(engine);
        engines.add(engine);
        engine.apply(table.snapshot());
        return new InetSocketAddress(address, port);
    }

    private HeaderServer realServer(String name, InetAddress address) throws IOException {
        HeaderServer server = new HeaderServer(name, address);
        closeAfter.add(server);
        return server;
    }

    private static boolean canListenOn(InetAddress address) {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }

    private static Socket connect(InetAddress from, InetSocketAddress to) throws IOException {
        Socket socket = new Socket();
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(to, 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static byte[] readAll(Socket socket) throws IOException {
        return socket.getInputStream().readAllBytes();
    }

    /** What the proxy sent before closing; a reset (the proxy closed with bytes unread) counts as nothing. */
    private static byte[] readAllOrReset(Socket socket) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                read.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
        return read.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A v2 PROXY header for TCP over IPv4, written by hand from the spec. */
    private static byte[] v2Header(InetAddress source, int sourcePort, InetAddress destination, int destinationPort) {
        ByteBuffer header = ByteBuffer.allocate(16 + 12);
        header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        header.put(source.getAddress()).put(destination.getAddress());
        header.putShort((short) sourcePort).putShort((short) destinationPort);
        return header.array();
    }

    /** What a real server read before the client's bytes. */
    record Header(String version, String family, InetSocketAddress source, InetSocketAddress destination, String text) {
        static final Header NONE = new Header("none", "", null, null, "");
    }

    /**
     * A real server that reads a PROXY header if the connection starts with one (v1 or v2, parsed by
     * hand), records it, says its name and a newline, then echoes the rest until the client's FIN.
     */
    private static final class HeaderServer implements AutoCloseable {
        final String name;
        final BlockingQueue<Header> headers = new LinkedBlockingQueue<>();
        final AtomicLong accepted = new AtomicLong();
        private final ServerSocket socket;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        HeaderServer(String name, InetAddress address) throws IOException {
            this.name = name;
            this.socket = new ServerSocket(0, 50, address);
            Thread.ofVirtual().start(this::acceptLoop);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    accepted.incrementAndGet();
                    open.add(connection);
                    Thread.ofVirtual().start(() -> serve(connection));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                DataInputStream in = new DataInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                int first = in.read();
                byte[] rest = new byte[0];
                if (first == 'P') {
                    headers.add(v1(in));
                } else if (first == 0x0D) {
                    headers.add(v2(in));
                } else {
                    headers.add(Header.NONE);
                    rest = first < 0 ? rest : new byte[] {(byte) first};
                }
                out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                out.write(rest);
                in.transferTo(out);
                connection.shutdownOutput();
            } catch (IOException | RuntimeException e) {
                headers.add(new Header("bad", e.toString(), null, null, ""));
            }
        }

        private static Header v1(DataInputStream in) throws IOException {
            StringBuilder line = new StringBuilder("P");
            while (!line.toString().endsWith("\r\n")) {
                int c = in.read();
                if (c < 0 || line.length() > 107) {
                    throw new IOException("v1 header not ended: " + line);
                }
                line.append((char) c);
            }
            String[] parts = line.toString().strip().split(" ");
            if (parts.length != 6 || !parts[0].equals("PROXY")) {
                throw new IOException("bad v1 header: " + line);
            }
            return new Header("v1", parts[1],
                    new InetSocketAddress(InetAddress.ofLiteral(parts[2]), Integer.parseInt(parts[4])),
                    new InetSocketAddress(InetAddress.ofLiteral(parts[3]), Integer.parseInt(parts[5])), line.toString());
        }

        private static Header v2(DataInputStream in) throws IOException {
            byte[] fixed = new byte[16];
            fixed[0] = 0x0D;
            in.readFully(fixed, 1, 15);
            if (!Arrays.equals(Arrays.copyOf(fixed, 12), V2_SIGNATURE) || fixed[12] != 0x21) {
                throw new IOException("bad v2 signature or command: " + Arrays.toString(fixed));
            }
            int length = ((fixed[14] & 0xff) << 8) | (fixed[15] & 0xff);
            byte[] body = new byte[length];
            in.readFully(body);
            int addressBytes = switch (fixed[13]) {
                case 0x11 -> 4;
                case 0x21 -> 16;
                default -> throw new IOException("not TCP over IPv4 or IPv6: " + fixed[13]);
            };
            ByteBuffer fields = ByteBuffer.wrap(body);
            byte[] source = new byte[addressBytes];
            byte[] destination = new byte[addressBytes];
            fields.get(source).get(destination);
            int sourcePort = fields.getShort() & 0xffff;
            int destinationPort = fields.getShort() & 0xffff;
            return new Header("v2", addressBytes == 4 ? "TCP4" : "TCP6",
                    new InetSocketAddress(InetAddress.getByAddress(source), sourcePort),
                    new InetSocketAddress(InetAddress.getByAddress(destination), destinationPort), "");
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
