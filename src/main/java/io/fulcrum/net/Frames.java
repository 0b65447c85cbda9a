package io.fulcrum.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;

/**
 * The payloads of the two announcements, as handed to an AF_PACKET SOCK_DGRAM socket (the
 * kernel adds the Ethernet header from the device's MAC and the destination in sockaddr_ll).
 */
final class Frames {

    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_ARP = 0x0806;
    static final int ETH_P_IPV6 = 0x86DD;

    static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};
    /** 33:33 followed by the low 32 bits of ff02::1 (RFC 2464). */
    static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};
    static final byte[] ALL_NODES = {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private static final int ARPHRD_ETHER = 1;
    private static final int ARPOP_REQUEST = 1;
    private static final int IPPROTO_ICMPV6 = 58;
    private static final int ND_NEIGHBOR_ADVERT = 136;
    private static final int NA_FLAG_OVERRIDE = 0x20;
    private static final int ND_OPT_TARGET_LINKADDR = 2;
    /** ICMPv6 header (4) + flags and reserved (4) + target (16) + target link-layer option (8). */
    private static final int NA_LENGTH = 32;

    private Frames() {
    }

    /**
     * An ARP request with sender and target protocol address both {@code address}: the form
     * Linux treats as gratuitous (arp_is_garp), updating an existing entry without locktime.
     */
    static byte[] gratuitousArp(byte[] mac, Inet4Address address) {
        byte[] ip = address.getAddress();
        return ByteBuffer.allocate(28)
                .putShort((short) ARPHRD_ETHER)
                .putShort((short) ETH_P_IP)
                .put((byte) 6)
                .put((byte) 4)
                .putShort((short) ARPOP_REQUEST)
                .put(mac).put(ip)
                .put(new byte[6]).put(ip)
                .array();
    }

    /**
     * An IPv6 packet from {@code address} to ff02::1 carrying an unsolicited neighbour
     * advertisement (Override set, Solicited and Router clear) for {@code address} with
     * {@code mac} as its target link-layer address. Hop limit 255, or receivers drop it.
     */
    static byte[] unsolicitedNeighbourAdvertisement(byte[] mac, Inet6Address address) {
        byte[] source = address.getAddress();
        byte[] icmp = ByteBuffer.allocate(NA_LENGTH)
                .put((byte) ND_NEIGHBOR_ADVERT)
                .put((byte) 0)
                .putShort((short) 0)
                .put((byte) NA_FLAG_OVERRIDE).put(new byte[3])
                .put(source)
                .put((byte) ND_OPT_TARGET_LINKADDR)
                .put((byte) 1)
                .put(mac)
                .array();
        int checksum = icmpv6Checksum(source, ALL_NODES, icmp);
        icmp[2] = (byte) (checksum >>> 8);
        icmp[3] = (byte) checksum;
        return ByteBuffer.allocate(40 + NA_LENGTH)
                .putInt(6 << 28)
                .putShort((short) NA_LENGTH)
                .put((byte) IPPROTO_ICMPV6)
                .put((byte) 255)
                .put(source)
                .put(ALL_NODES)
                .put(icmp)
                .array();
    }

    /** The Internet checksum of {@code icmp} with the IPv6 pseudo-header (RFC 8200 8.1). */
    static int icmpv6Checksum(byte[] source, byte[] destination, byte[] icmp) {
        long sum = sum(source) + sum(destination) + icmp.length + IPPROTO_ICMPV6 + sum(icmp);
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }

    private static long sum(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            int high = (bytes[i] & 0xff) << 8;
            int low = i + 1 < bytes.length ? bytes[i + 1] & 0xff : 0;
            sum += high | low;
        }
        return sum;
    }
}
