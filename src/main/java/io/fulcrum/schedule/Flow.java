package io.fulcrum.schedule;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * What a scheduler may know about a new connection: the client's address and port and the address
 * it connected to (the VIP). Addresses are passed folded to 32 bits in host byte order, as IPVS
 * hashes them: an IPv4 address is its own value, an IPv6 address is the XOR of its four 32-bit
 * words. The data path keeps one mutable instance per event loop, so a pick allocates nothing.
 */
public interface Flow {

    int sourceFold();

    int sourcePort();

    int destinationFold();

    /** An immutable flow, for tests and for the control side. */
    static Flow of(InetAddress source, int sourcePort, InetAddress destination) {
        return new Fixed(fold(source), sourcePort, fold(destination));
    }

    record Fixed(int sourceFold, int sourcePort, int destinationFold) implements Flow {
    }

    /** Folds an address to 32 bits in host order (IPv6: XOR of the four words). */
    static int fold(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            // Inet4Address.hashCode() is the address in host order and, unlike getAddress(),
            // allocates nothing.
            return v4.hashCode();
        }
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            int folded = 0;
            for (int word = 0; word < 4; word++) {
                int o = word * 4;
                folded ^= (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
            }
            return folded;
        }
        throw new IllegalArgumentException("not an IP address: " + address);
    }
}
