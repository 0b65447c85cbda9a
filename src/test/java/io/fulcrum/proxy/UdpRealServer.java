package io.fulcrum.proxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DNS-like UDP real server on a loopback address: it answers every datagram with one datagram,
 * its name and a newline followed by the query's bytes, and remembers who asked (the proxy's
 * socket of each flow) and how big each query was.
 */
final class UdpRealServer implements AutoCloseable {

    final String name;
    private final DatagramSocket socket;
    /** The source of every query, in arrival order. */
    final List<InetSocketAddress> askers = new CopyOnWriteArrayList<>();
    final List<Integer> querySizes = new CopyOnWriteArrayList<>();

    UdpRealServer(String name, String address) throws IOException {
        this.name = name;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
        Thread.ofVirtual().name("udp-real-" + name).start(this::serve);
    }

    InetAddress address() {
        return socket.getLocalAddress();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[65536];
        byte[] prefix = (name + "\n").getBytes(StandardCharsets.UTF_8);
        while (!socket.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                askers.add((InetSocketAddress) query.getSocketAddress());
                querySizes.add(query.getLength());
                byte[] answer = Arrays.copyOf(prefix, prefix.length + query.getLength());
                System.arraycopy(buffer, 0, answer, prefix.length, query.getLength());
                socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    /** The real server goes down: its port answers with ICMP port unreachable from now on. */
    @Override
    public void close() {
        socket.close();
    }
}
