package io.fulcrum.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A run of consecutive TCP ports that every given address can listen on, for a fwmark group whose
 * ports the VIP and the real servers share. Below the kernel's ephemeral range (32768 up), so that
 * outgoing connections do not take them in the meantime.
 */
final class PortBlock {

    private PortBlock() {
    }

    /** The first port of {@code count} consecutive ports free on each of {@code addresses}. */
    static int free(int count, List<InetAddress> addresses) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(10_000, 32_000 - count);
            if (bindable(first, count, addresses)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports on " + addresses);
    }

    private static boolean bindable(int first, int count, List<InetAddress> addresses) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (InetAddress address : addresses) {
                for (int port = first; port < first + count; port++) {
                    ServerSocket socket = new ServerSocket();
                    held.add(socket);
                    socket.bind(new InetSocketAddress(address, port));
                }
            }
            return true;
        } catch (IOException taken) {
            return false;
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a listening socket we opened: nothing to do
                }
            }
        }
    }
}
