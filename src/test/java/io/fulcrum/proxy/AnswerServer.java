package io.fulcrum.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32;

/**
 * A request/answer real server on 127.0.0.1 for byte-integrity tests: it reads the request to its
 * end (the client's FIN), then answers with a 12-byte header (the request's length and CRC-32, so
 * the client knows its request arrived whole) and {@code answerSize} bytes of {@link #pattern},
 * and closes. Accepting can be held back, with a listen backlog of 1, so that a proxy's connect
 * stays unanswered (its SYN is dropped while the queue is full) until {@link #startAccepting}.
 */
final class AnswerServer implements AutoCloseable {

    private final ServerSocket socket;
    private final CountDownLatch accepting = new CountDownLatch(1);
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    volatile long answerSize;

    AnswerServer(long answerSize, boolean acceptAtOnce) throws IOException {
        this.answerSize = answerSize;
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), acceptAtOnce ? 512 : 1);
        if (acceptAtOnce) {
            accepting.countDown();
        }
        Thread.ofVirtual().name("answer-server").start(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    void startAccepting() {
        accepting.countDown();
    }

    /** The byte at {@code offset} of every answer (and of every request the test clients send). */
    static byte pattern(long offset) {
        return (byte) (offset * 31 + (offset >>> 11));
    }

    private void acceptLoop() {
        try {
            accepting.await();
        } catch (InterruptedException e) {
            return;
        }
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                open.add(connection);
                Thread.ofVirtual().start(() -> serve(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; total += n) {
                crc.update(buffer, 0, n);
            }
            long size = answerSize;
            out.write(ByteBuffer.allocate(12).putLong(total).putInt((int) crc.getValue()).array());
            for (long sent = 0; sent < size; ) {
                int n = (int) Math.min(buffer.length, size - sent);
                for (int i = 0; i < n; i++) {
                    buffer[i] = pattern(sent + i);
                }
                out.write(buffer, 0, n);
                sent += n;
            }
        } catch (IOException e) {
            // the client or the proxy went away: the test that made it fail says so
        } finally {
            open.remove(connection);
        }
    }

    @Override
    public void close() throws IOException {
        accepting.countDown();
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
