package io.fulcrum.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Addresses through rtnetlink: one RTM_NEWADDR or RTM_DELADDR request per change on a socket
 * opened for that call, so a takeover costs no process per address; {@link #deviceOf} and {@link #on} read an
 * RTM_GETADDR dump. The socket, like {@code if_nametoindex}, belongs to the calling thread's
 * network namespace. A request carries
 * what {@code ip addr add|del A/P dev D [label L] [nodad]} sends: IFA_LOCAL and IFA_ADDRESS both
 * set to the address, no broadcast, the alias label for IPv4, and IFA_F_NODAD for IPv6 so that
 * the address serves at once.
 */
public final class NetlinkAddresses implements Addresses {

    private static final int NETLINK_ROUTE = 0;

    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_DELADDR = 21;
    private static final short RTM_GETADDR = 22;

    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_ACK = 0x4;
    private static final short NLM_F_DUMP = 0x300;
    private static final short NLM_F_EXCL = 0x200;
    private static final short NLM_F_CREATE = 0x400;

    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final short IFA_LABEL = 3;
    private static final short IFA_FLAGS = 8;
    private static final int IFA_F_NODAD = 0x02;
    private static final long RTF_LOCAL = 0x80000000L;
    private static final Path IPV6_ROUTES = Path.of("/proc/thread-self/net/ipv6_route");
    private static final byte RT_SCOPE_UNIVERSE = 0;

    private static final int NLMSGHDR_SIZE = 16;
    private static final int IFADDRMSG_SIZE = 8;
    /** One socket per request, so the sequence number only has to match the answer. */
    private static final int SEQUENCE = 1;
    /** struct sockaddr_nl for the kernel: family, padding, port id 0, no groups. */
    private static final int SOCKADDR_NL_SIZE = 12;
    /** As iproute2 reads: the kernel fills a dump part up to the reader's buffer, at most 32 KiB. */
    private static final int ANSWER_SIZE = 32 * 1024;

    @Override
    public Optional<String> deviceOf(InetAddress address) throws IOException {
        // not NetworkInterface: the JDK reads IPv6 addresses from /proc/net, the namespace of the
        // process's main thread rather than of the calling thread
        byte[] wanted = address.getAddress();
        int[] holder = {0};
        try {
            dumpAddresses(family(address), (datagram, at) -> {
                if (Arrays.equals(local(datagram, at), wanted)) {
                    holder[0] = datagram.getInt(at + NLMSGHDR_SIZE + 4);
                    return true;
                }
                return false;
            });
            return holder[0] == 0 ? Optional.empty() : Optional.of(Posix.ifIndexToName(holder[0]));
        } catch (IOException e) {
            throw new IOException("cannot find the device that holds " + address.getHostAddress() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<HostAddress> on(String device) throws IOException {
        int index;
        try {
            index = Posix.ifNameToIndex(device);
        } catch (ErrnoException e) {
            throw new IOException("this host has no device " + device, e);
        }
        List<HostAddress> held = new ArrayList<>();
        try {
            // AF_UNSPEC: both families, as `ip addr show dev D` asks
            dumpAddresses((byte) 0, (datagram, at) -> {
                byte[] raw = local(datagram, at);
                if (datagram.getInt(at + NLMSGHDR_SIZE + 4) == index && raw != null) {
                    int prefix = Byte.toUnsignedInt(datagram.get(at + NLMSGHDR_SIZE + 1));
                    InetAddress address = InetAddress.getByAddress(raw);
                    Optional<String> label = label(datagram, at).filter(l -> !l.equals(device));
                    held.add(new HostAddress(address, prefix, device,
                            address instanceof Inet6Address ? Optional.empty() : label));
                }
                return false;
            });
        } catch (IOException e) {
            throw new IOException("cannot read the addresses of " + device + ": " + e.getMessage(), e);
        }
        return held;
    }

    @Override
    public void add(HostAddress address) throws IOException {
        int error = request(RTM_NEWADDR, (short) (NLM_F_CREATE | NLM_F_EXCL), address, "add");
        if (error == 0) {
            return;
        }
        if (error == Posix.EEXIST) {
            throw new AddressExistsException(cidr(address) + " is already on " + address.device()
                    + "; another router or the system holds it (RTM_NEWADDR: " + Posix.strerror(error) + ")");
        }
        throw refused("add", address, error);
    }

    /**
     * Reads {@code /proc/thread-self/net/ipv6_route} (this thread's namespace) for the address's
     * local route; an IPv4 address is routed as soon as it is added.
     */
    @Override
    public boolean routed(HostAddress address) throws IOException {
        if (!(address.address() instanceof Inet6Address)) {
            return true;
        }
        String destination = HexFormat.of().formatHex(address.address().getAddress()) + " 80 ";
        for (String line : Files.readAllLines(IPV6_ROUTES)) {
            String[] fields = line.strip().split("\\s+");
            if (line.startsWith(destination) && fields.length == 10 && fields[9].equals(address.device())
                    && (Long.parseLong(fields[8], 16) & RTF_LOCAL) != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void remove(HostAddress address) throws IOException {
        int error = request(RTM_DELADDR, (short) 0, address, "remove");
        // both IPv4 and IPv6 answer EADDRNOTAVAIL for an address the device does not hold
        if (error == 0 || error == Posix.EADDRNOTAVAIL) {
            return;
        }
        throw refused("remove", address, error);
    }

    /** Sends one request and returns the errno the kernel acknowledged it with, 0 for success. */
    private static int request(short type, short flags, HostAddress address, String operation) throws IOException {
        int index;
        try {
            index = Posix.ifNameToIndex(address.device());
        } catch (ErrnoException e) {
            throw new IOException("cannot " + operation + " " + cidr(address) + " on " + address.device()
                    + ": this network namespace has no device " + address.device()
                    + "; check the device name in the configuration (" + e.getMessage() + ")", e);
        }
        boolean v6 = address.address() instanceof Inet6Address;
        byte[] raw = address.address().getAddress();
        ByteBuffer request = header(type, (short) (NLM_F_REQUEST | NLM_F_ACK | flags));
        request.put(family(address.address()))
                .put((byte) address.prefixLength())
                .put((byte) (v6 ? IFA_F_NODAD : 0))
                .put(RT_SCOPE_UNIVERSE)
                .putInt(index);
        attribute(request, IFA_LOCAL, raw);
        attribute(request, IFA_ADDRESS, raw);
        if (v6) {
            // ifa_flags has room for 8 bits only; the kernel prefers this attribute when present
            attribute(request, IFA_FLAGS, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder())
                    .putInt(IFA_F_NODAD).array());
        }
        address.label().ifPresent(label -> attribute(request, IFA_LABEL,
                (label + "\0").getBytes(StandardCharsets.US_ASCII)));
        int[] errno = {0};
        try {
            exchange(finish(request), datagram -> {
                errno[0] = acknowledged(datagram);
                return true;
            });
        } catch (IOException e) {
            throw new IOException("cannot " + operation + " " + cidr(address) + " on " + address.device()
                    + ": " + e.getMessage(), e);
        }
        return errno[0];
    }

    /** Reads one answering datagram; says whether the answer is complete. */
    @FunctionalInterface
    /** One RTM_NEWADDR message of an address dump, at {@code at}; true when the dump may stop there. */
    private interface AddressMessage {
        boolean visit(ByteBuffer datagram, int at) throws IOException;
    }

    /** Dumps the host's addresses of {@code family} (0: both), message by message, until the end or the visitor stops. */
    private static void dumpAddresses(byte family, AddressMessage visitor) throws IOException {
        ByteBuffer request = header(RTM_GETADDR, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        request.put(family).put(new byte[IFADDRMSG_SIZE - 1]);
        exchange(finish(request), datagram -> {
            for (int at = 0; at + NLMSGHDR_SIZE <= datagram.limit(); at = align(at + datagram.getInt(at))) {
                if (datagram.getInt(at) < NLMSGHDR_SIZE) {
                    throw new IOException("rtnetlink sent a malformed message (length " + datagram.getInt(at) + ")");
                }
                short type = datagram.getShort(at + 4);
                if (type == NLMSG_DONE) {
                    return true;
                }
                if (type == NLMSG_ERROR) {
                    throw new IOException("the address dump failed: "
                            + Posix.strerror(-datagram.getInt(at + NLMSGHDR_SIZE)));
                }
                if (type == RTM_NEWADDR && visitor.visit(datagram, at)) {
                    return true;
                }
            }
            return false;
        });
    }

    private interface Answer {
        boolean read(ByteBuffer datagram) throws IOException;
    }

    /** Sends {@code message} on a socket of its own and hands the answers to {@code answer} until it has all. */
    private static void exchange(byte[] message, Answer answer) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment kernel = arena.allocate(SOCKADDR_NL_SIZE);
            kernel.set(JAVA_BYTE, 0, (byte) Posix.AF_NETLINK);
            MemorySegment buffer = arena.allocate(ANSWER_SIZE, 8);
            int fd = Posix.socket(Posix.AF_NETLINK, Posix.SOCK_RAW | Posix.SOCK_CLOEXEC, NETLINK_ROUTE);
            try {
                Posix.sendto(fd, arena.allocateFrom(JAVA_BYTE, message), kernel);
                boolean complete;
                do {
                    // rtnetlink answers inside sendto, and queues each further part of a dump inside
                    // the recv that takes the one before: the answer is always there, never wait
                    int length = Posix.recv(fd, buffer, Posix.MSG_DONTWAIT);
                    complete = answer.read(buffer.asSlice(0, length).asByteBuffer().order(ByteOrder.nativeOrder()));
                } while (!complete);
            } finally {
                Posix.close(fd);
            }
        }
    }

    /** A request with room for its struct nlmsghdr, positioned after it. */
    private static ByteBuffer header(short type, short flags) {
        ByteBuffer request = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        request.putShort(4, type).putShort(6, flags).putInt(8, SEQUENCE).putInt(12, 0);
        return request.position(NLMSGHDR_SIZE);
    }

    /** The request's bytes, with its length filled in. */
    private static byte[] finish(ByteBuffer request) {
        int length = request.position();
        byte[] message = new byte[length];
        request.putInt(0, length).get(0, message);
        return message;
    }

    /** struct rtattr: length, type, payload, padded to 4 bytes. */
    private static void attribute(ByteBuffer buffer, short type, byte[] payload) {
        buffer.putShort((short) (4 + payload.length)).putShort(type).put(payload);
        buffer.position(align(buffer.position()));
    }

    /** The local address of the RTM_NEWADDR at {@code at}: IFA_LOCAL, or IFA_ADDRESS without it (IPv6). */
    private static byte[] local(ByteBuffer datagram, int at) {
        byte[] address = null;
        int end = at + datagram.getInt(at);
        for (int attribute = at + NLMSGHDR_SIZE + IFADDRMSG_SIZE; attribute + 4 <= end;
                attribute = align(attribute + Short.toUnsignedInt(datagram.getShort(attribute)))) {
            int length = Short.toUnsignedInt(datagram.getShort(attribute));
            short type = datagram.getShort(attribute + 2);
            if (length < 4) {
                break;
            }
            if (type == IFA_LOCAL || (type == IFA_ADDRESS && address == null)) {
                address = new byte[length - 4];
                datagram.get(attribute + 4, address);
            }
        }
        return address;
    }

    /** The IFA_LABEL of the RTM_NEWADDR at {@code at} (IPv4 only), without its terminating NUL. */
    private static Optional<String> label(ByteBuffer datagram, int at) {
        int end = at + datagram.getInt(at);
        for (int attribute = at + NLMSGHDR_SIZE + IFADDRMSG_SIZE; attribute + 4 <= end;
                attribute = align(attribute + Short.toUnsignedInt(datagram.getShort(attribute)))) {
            int length = Short.toUnsignedInt(datagram.getShort(attribute));
            if (length < 4) {
                break;
            }
            if (datagram.getShort(attribute + 2) == IFA_LABEL) {
                byte[] text = new byte[length - 4];
                datagram.get(attribute + 4, text);
                int nul = 0;
                while (nul < text.length && text[nul] != 0) {
                    nul++;
                }
                return Optional.of(new String(text, 0, nul, StandardCharsets.US_ASCII));
            }
        }
        return Optional.empty();
    }

    /** The errno of the NLMSG_ERROR that answers a request (0 is the ACK). */
    private static int acknowledged(ByteBuffer answer) throws IOException {
        if (answer.limit() < NLMSGHDR_SIZE + 4) {
            throw new IOException("rtnetlink answered with " + answer.limit() + " bytes, too short for an ACK");
        }
        short type = answer.getShort(4);
        int sequence = answer.getInt(8);
        if (type != NLMSG_ERROR || sequence != SEQUENCE) {
            throw new IOException("rtnetlink answered with message type " + type + " for sequence " + sequence
                    + " where an ACK for sequence " + SEQUENCE + " was due");
        }
        return -answer.getInt(NLMSGHDR_SIZE);
    }

    private static byte family(InetAddress address) {
        return (byte) (address instanceof Inet6Address ? Posix.AF_INET6 : Posix.AF_INET);
    }

    private static int align(int offset) {
        return (offset + 3) & ~3;
    }

    private static IOException refused(String operation, HostAddress address, int errno) {
        return new IOException("cannot " + operation + " " + cidr(address) + " on " + address.label().orElse(address.device())
                + ": the kernel said " + Posix.strerror(errno) + " (errno " + errno + ")");
    }

    private static String cidr(HostAddress address) {
        return address.address().getHostAddress() + "/" + address.prefixLength();
    }
}
