package io.fulcrum.cli;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.Config;
import io.fulcrum.proxy.ProxyEngine;
import io.fulcrum.table.VirtualServerTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a few hundred connections through a throwaway proxy engine on loopback before a router
 * of a pair starts watching its partner. A standby router has never relayed a connection: without
 * this, the first connections after a takeover run in the interpreter, loading classes, and the
 * first one took 150-200 ms in the failover benchmark, more than the whole fast failover budget.
 */
final class EngineWarmUp {

    private static final Logger log = LoggerFactory.getLogger(EngineWarmUp.class);
    private static final int CONNECTIONS = 400;
    /**
     * A JVM that has just started on a busy host can take seconds over its first exchanges (class
     * loading, the first compilations): that is what the warm-up is for, so one slow exchange must
     * not end it. It ends at {@link #BUDGET} whatever happens.
     */
    private static final int EXCHANGE_TIMEOUT_MS = 5000;
    private static final Duration BUDGET = Duration.ofSeconds(20);
    private static final byte[] REQUEST = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private EngineWarmUp() {
    }

    /**
     * Runs the warm-up; a failure is logged and otherwise ignored: it only costs speed.
     *
     * @return how many connections were relayed
     */
    static int run() {
        int relayed = 0;
        long start = System.nanoTime();
        try (DemoRealServers realServer = new DemoRealServers(0, "warm-up");
             ServerSocket portFinder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = portFinder.getLocalPort();
            portFinder.close();
            VirtualServerTable table = new VirtualServerTable();
            table.apply(config(port, realServer.ports().get("warm-up")));
            try (ProxyEngine engine = new ProxyEngine(table::snapshot)) {
                engine.apply(table.snapshot());
                long deadline = start + BUDGET.toNanos();
                for (; relayed < CONNECTIONS && System.nanoTime() < deadline; relayed++) {
                    exchange(port);
                }
                engine.drain(Duration.ofSeconds(1));
            }
            log.info("proxy warmed up: {} connections relayed in {} ms", relayed,
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
        } catch (IOException | RuntimeException e) {
            log.warn("proxy warm-up stopped after {} connections ({}); the first connections after a takeover"
                    + " will be slower", relayed, e.getMessage());
        }
        return relayed;
    }

    private static Config config(int port, int realServerPort) {
        String text = """
                primary = 127.0.0.1
                service = lvs
                virtual warmup {
                    active = 1
                    address = 127.0.0.1
                    port = %d
                    scheduler = wlc
                    check = none
                    server local {
                        address = 127.0.0.1
                        port = %d
                        active = 1
                    }
                }
                """.formatted(port, realServerPort);
        ConfigResult result = LvsConfig.parse("warm-up", text);
        return result.config().orElseThrow(() -> new IllegalStateException("warm-up config: " + result.errors()));
    }

    private static void exchange(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), EXCHANGE_TIMEOUT_MS);
            socket.setSoTimeout(EXCHANGE_TIMEOUT_MS);
            socket.getOutputStream().write(REQUEST);
            socket.getInputStream().readAllBytes();
        }
    }
}
