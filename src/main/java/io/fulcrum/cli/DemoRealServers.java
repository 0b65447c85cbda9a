package io.fulcrum.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The demo's built-in real servers: small HTTP servers on loopback, each answering every request
 * with its own name, which can be stopped and started again to watch health checks at work.
 */
final class DemoRealServers implements AutoCloseable {

    /** One demo real server; its port stays the same across stop and start. */
    private static final class Server {
        final String name;
        int port;
        HttpServer http;

        Server(String name, int port) {
            this.name = name;
            this.port = port;
        }
    }

    private final Map<String, Server> servers = new LinkedHashMap<>();

    /**
     * Starts one server per name on 127.0.0.1, on consecutive ports from {@code firstPort}, or on
     * free ports chosen by the system when {@code firstPort} is 0.
     */
    DemoRealServers(int firstPort, String... names) {
        for (int i = 0; i < names.length; i++) {
            Server server = new Server(names[i], firstPort == 0 ? 0 : firstPort + i);
            servers.put(server.name, server);
            start(server);
        }
    }

    Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        servers.values().forEach(s -> ports.put(s.name, s.port));
        return ports;
    }

    synchronized boolean isRunning(String name) {
        Server server = servers.get(name);
        return server != null && server.http != null;
    }

    /** Stops a server as a crash would, for the health checks to notice; false if unknown. */
    synchronized boolean stop(String name) {
        Optional<Server> server = Optional.ofNullable(servers.get(name));
        server.filter(s -> s.http != null).ifPresent(s -> {
            s.http.stop(0);
            s.http = null;
        });
        return server.isPresent();
    }

    /** Starts a stopped server again; false if unknown. */
    synchronized boolean start(String name) {
        Server server = servers.get(name);
        if (server == null) {
            return false;
        }
        if (server.http == null) {
            start(server);
        }
        return true;
    }

    private static void start(Server server) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port), 128);
            http.createContext("/", exchange -> {
                byte[] body = ("Hello from " + server.name + " (127.0.0.1:" + server.port + ")\n")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.start();
            server.http = http;
            server.port = http.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start demo real server " + server.name + " on 127.0.0.1:"
                    + server.port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        servers.keySet().forEach(this::stop);
    }
}
