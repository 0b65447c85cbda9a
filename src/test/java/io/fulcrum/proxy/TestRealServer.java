package io.fulcrum.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process real server (on 127.0.0.1 unless told): on each connection it says its name and a newline, then
 * echoes what it reads; when the client half-closes it writes "bye <bytes read>\n" and closes. In
 * {@code bulk} mode it instead writes as much as it can (to test back-pressure).
 */
final class TestRealServer implements AutoCloseable {

    final String name;
    private final ServerSocket socket;
    private final boolean bulk;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final AtomicLong bulkWritten = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();

    TestRealServer(String name) throws IOException {
        this(name, false);
    }

    TestRealServer(String name, boolean bulk) throws IOException {
        this(name, bulk, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** A real server on {@code address}, such as one of several on 127.0.0.x sharing a port. */
    TestRealServer(String name, InetSocketAddress address) throws IOException {
        this(name, false, address);
    }

    private TestRealServer(String name, boolean bulk, InetSocketAddress address) throws IOException {
        this.name = name;
        this.bulk = bulk;
        this.socket = new ServerSocket();
        socket.bind(address);
        Thread.ofVirtual().name("real-" + name).start(this::acceptLoop);
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
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            if (bulk) {
                byte[] chunk = new byte[64 * 1024];
                while (true) {
                    out.write(chunk);
                    bulkWritten.addAndGet(chunk.length);
                }
            }
            out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            byte[] buffer = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                out.write(buffer, 0, n);
                out.flush();
            }
            out.write(("bye " + total + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the client or the proxy went away: nothing to serve
        } finally {
            open.remove(connection);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
