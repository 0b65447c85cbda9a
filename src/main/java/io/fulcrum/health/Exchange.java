package io.fulcrum.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;

/** The TCP side shared by the send/expect and http checks: connect within the deadline, read until judged. */
final class Exchange {

    /** Decides on a reply so far; empty = read more. */
    @FunctionalInterface
    interface Judge {
        Optional<ProbeResult> judge(byte[] reply, int length, boolean ended);
    }

    private Exchange() {
    }

    static Socket connect(InetSocketAddress target, Deadline deadline) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(target, deadline.millisLeft());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Reads until the judge decides, the peer closes, {@link Expect#REPLY_LIMIT} bytes are in, or the
     * deadline passes (a {@link java.net.SocketTimeoutException}). Unlike nanny's single read, a reply
     * that arrives in several segments is judged whole.
     */
    static ProbeResult read(Socket socket, Deadline deadline, Judge judge) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] reply = new byte[Expect.REPLY_LIMIT];
        int length = 0;
        boolean ended = false;
        while (true) {
            Optional<ProbeResult> verdict = judge.judge(reply, length, ended || length == reply.length);
            if (verdict.isPresent()) {
                return verdict.get();
            }
            socket.setSoTimeout(deadline.millisLeft());
            int read = in.read(reply, length, reply.length - length);
            if (read < 0) {
                ended = true;
            } else {
                length += read;
            }
        }
    }
}
