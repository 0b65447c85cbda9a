package io.fulcrum.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A real server for the namespace tests: it answers every TCP connection on the wildcard address
 * (IPv4 and IPv6) with a minimal HTTP/1.0 response whose body is its name and the client's
 * address ("rs1 10.77.0.3": the address tells which router proxied the connection), so that
 * Fulcrum's default check of port 80 (a GET expecting "HTTP") passes and wrk can load it; then it
 * half-closes and waits for the client to close.
 *
 * <p>{@link #start} runs it in this JVM, its listening socket opened inside a namespace
 * ({@link InNamespace}); {@link #main} runs it as a process ({@code ip netns exec NS java ...
 * NsRealServer NAME [PORT]}), for the keepalived runs of the failover benchmark, where it stands
 * in for each router's service and must die with everything else in the router's namespace.
 */
public final class NsRealServer implements AutoCloseable {

    private final ServerSocket server;

    private NsRealServer(ServerSocket server) {
        this.server = server;
    }

    /** Listens on {@code port} inside {@code namespace} and answers as {@code name} until closed. */
    public static NsRealServer start(String namespace, String name, int port) throws Exception {
        ServerSocket server = InNamespace.run(namespace, () -> new ServerSocket(port, 1024));
        Thread.ofPlatform().daemon().name("real-server-" + name).start(() -> serve(server, name));
        return new NsRealServer(server);
    }

    /**
     * Listens on {@code port} inside {@code namespace} for long connections: each reads a request
     * line {@code LINES INTERVAL_MS}, then writes the lines {@code 1} to {@code LINES}, one every
     * {@code INTERVAL_MS}, and half-closes: a stream that a planned switch must not cut.
     */
    public static NsRealServer startStreaming(String namespace, int port) throws Exception {
        ServerSocket server = InNamespace.run(namespace, () -> new ServerSocket(port, 1024));
        Thread.ofPlatform().daemon().name("stream-server-" + namespace).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread.ofVirtual().start(() -> stream(client));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new NsRealServer(server);
    }

    private static void stream(Socket client) {
        try (client) {
            String[] request = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine().trim().split(" ");
            int lines = Integer.parseInt(request[0]);
            long interval = Long.parseLong(request[1]);
            OutputStream out = client.getOutputStream();
            for (int i = 1; i <= lines; i++) {
                out.write((i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(interval);
            }
            client.shutdownOutput();
            client.setSoTimeout(5000);
            while (client.getInputStream().read(new byte[512]) >= 0) {
                // until the client closes
            }
        } catch (IOException | RuntimeException e) {
            // the client went away: the test that opened it reports what it missed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: NsRealServer NAME [PORT]  (PORT defaults to 80)");
            System.exit(2);
        }
        int port = args.length == 2 ? Integer.parseInt(args[1]) : 80;
        try (ServerSocket server = new ServerSocket(port, 1024)) {
            System.out.println("listening on " + server.getLocalSocketAddress());
            System.out.flush();
            serve(server, args[0]);
        }
    }

    /** Accepts until the socket is closed; accepted sockets stay in the listener's namespace. */
    private static void serve(ServerSocket server, String name) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> answer(client, name));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answer(Socket client, String name) {
        String body = name + " " + client.getInetAddress().getHostAddress() + "\n";
        try (client) {
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.0 200 OK\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            // Closing with an unread request in the buffer would send a RST that can cost the
            // client the answer: half-close and let the client end the connection.
            client.shutdownOutput();
            client.setSoTimeout(1000);
            InputStream in = client.getInputStream();
            while (in.read(new byte[512]) >= 0) {
                // drain the request
            }
        } catch (IOException e) {
            // the client went away first: nothing to answer
        }
    }
}
