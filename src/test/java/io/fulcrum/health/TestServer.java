package io.fulcrum.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-process TCP real server on loopback; each connection is served on its own virtual thread. */
final class TestServer implements AutoCloseable {

    @FunctionalInterface
    interface Behaviour {
        void serve(Socket client) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();

    private TestServer(Behaviour behaviour) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (client) {
                            behaviour.serve(client);
                        } catch (IOException | InterruptedException e) {
                            // the probe went away first: nothing to serve
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    static TestServer start(Behaviour behaviour) {
        try {
            return new TestServer(behaviour);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a banner at once, then waits for the probe to close. */
    static TestServer banner(String banner) {
        return start(client -> {
            write(client, banner);
            drain(client);
        });
    }

    /** Writes the reply in two pieces with a pause between them, so they reach the probe in two reads. */
    static TestServer split(String first, Duration pause, String second) {
        return start(client -> {
            client.setTcpNoDelay(true);
            write(client, first);
            Thread.sleep(pause);
            write(client, second);
            drain(client);
        });
    }

    /** Answers only after a pause. */
    static TestServer slow(Duration pause, String reply) {
        return start(client -> {
            Thread.sleep(pause);
            write(client, reply);
            drain(client);
        });
    }

    /** Accepts, then resets the connection. */
    static TestServer resetting() {
        return start(client -> {
            client.setSoLinger(true, 0);
            client.close();
        });
    }

    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    int connections() {
        return connections.get();
    }

    static void write(Socket client, String text) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads until the probe closes, so the server never closes first. */
    static void drain(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        byte[] sink = new byte[512];
        while (in.read(sink) >= 0) {
            // discard
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        acceptor.interrupt();
    }
}
