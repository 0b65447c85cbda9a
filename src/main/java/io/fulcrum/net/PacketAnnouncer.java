package io.fulcrum.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteOrder;

/**
 * Sends gratuitous ARPs and unsolicited neighbour advertisements from an AF_PACKET socket.
 * Each call opens its own socket and reads the device's MAC and index through it, so a call
 * made from a thread inside a network namespace announces on that namespace's device.
 */
public final class PacketAnnouncer implements Announcer {

    private static final int ARPHRD_ETHER = 1;
    private static final int SOCKADDR_LL_SIZE = 20;
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int DISCARD_PORT = 9;
    private static final int LOOPBACK = 0x7f000001;
    private static final long IFR_HWADDR_OFFSET = 16;
    private static final ValueLayout.OfShort BIG_ENDIAN_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    @Override
    public void announce(HostAddress address) throws IOException {
        String device = address.device();
        try (Arena arena = Arena.ofConfined()) {
            // Protocol 0: the socket only sends; it never queues received frames.
            int fd = Posix.socket(Posix.AF_PACKET, Posix.SOCK_DGRAM | Posix.SOCK_CLOEXEC, 0);
            try {
                byte[] mac = ethernetAddress(arena, fd, device);
                int index = Posix.ifNameToIndex(device);
                switch (address.address()) {
                    case Inet4Address v4 -> send(arena, fd, index, Frames.ETH_P_ARP, Frames.BROADCAST_MAC,
                            Frames.gratuitousArp(mac, v4));
                    case Inet6Address v6 -> send(arena, fd, index, Frames.ETH_P_IPV6, Frames.ALL_NODES_MAC,
                            Frames.unsolicitedNeighbourAdvertisement(mac, v6));
                    default -> throw new IllegalArgumentException("not an IP address: " + address.address());
                }
            } finally {
                Posix.close(fd);
            }
        } catch (IOException e) {
            throw new IOException("cannot announce " + address.address().getHostAddress() + " on " + device
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same calls on loopback with an ordinary UDP socket (no privilege needed): SIOCGIFHWADDR,
     * if_nametoindex and an empty datagram to the discard port.
     */
    @Override
    public void warmUp() {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Posix.socket(Posix.AF_INET, Posix.SOCK_DGRAM | Posix.SOCK_CLOEXEC, 0);
            try {
                Posix.ioctl(fd, Posix.SIOCGIFHWADDR, Posix.ifreq(arena, "lo"), "SIOCGIFHWADDR");
                Posix.ifNameToIndex("lo");
                MemorySegment discard = arena.allocate(SOCKADDR_IN_SIZE);
                discard.set(JAVA_SHORT, 0, (short) Posix.AF_INET);
                discard.set(BIG_ENDIAN_SHORT, 2, (short) DISCARD_PORT);
                discard.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, LOOPBACK);
                Posix.sendto(fd, arena.allocate(1), discard);
            } finally {
                Posix.close(fd);
            }
        } catch (IOException | RuntimeException e) {
            // only a warm-up: the real announcement reports its own errors
        }
    }

    private static byte[] ethernetAddress(Arena arena, int fd, String device) throws IOException {
        MemorySegment ifreq = Posix.ifreq(arena, device);
        Posix.ioctl(fd, Posix.SIOCGIFHWADDR, ifreq, "SIOCGIFHWADDR");
        int type = Short.toUnsignedInt(ifreq.get(JAVA_SHORT, IFR_HWADDR_OFFSET));
        if (type != ARPHRD_ETHER) {
            throw new IOException(device + " is not an Ethernet device (hardware type " + type
                    + "); name the interface that faces the clients");
        }
        return ifreq.asSlice(IFR_HWADDR_OFFSET + 2, 6).toArray(JAVA_BYTE);
    }

    private static void send(Arena arena, int fd, int index, int etherType, byte[] destination, byte[] payload)
            throws ErrnoException {
        MemorySegment to = arena.allocate(SOCKADDR_LL_SIZE);
        to.set(JAVA_SHORT, 0, (short) Posix.AF_PACKET);
        to.set(BIG_ENDIAN_SHORT, 2, (short) etherType);
        to.set(JAVA_INT, 4, index);
        to.set(JAVA_BYTE, 11, (byte) destination.length);
        MemorySegment.copy(destination, 0, to, JAVA_BYTE, 12, destination.length);
        Posix.sendto(fd, arena.allocateFrom(JAVA_BYTE, payload), to);
    }

    /** Nothing to release: every announcement closes its own socket. */
    @Override
    public void close() {
    }
}
