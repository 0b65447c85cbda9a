package io.fulcrum.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static final byte[] MAC = HexFormat.ofDelimiter(":").parseHex("02:11:22:33:44:55");

    @Test
    void gratuitousArpIsARequestFromTheAddressForTheAddress() {
        byte[] arp = Frames.gratuitousArp(MAC, (Inet4Address) InetAddress.ofLiteral("192.168.7.10"));

        assertThat(HexFormat.of().formatHex(arp)).isEqualTo(
                "0001" + "0800" + "06" + "04" + "0001"
                        + "021122334455" + "c0a8070a"
                        + "000000000000" + "c0a8070a");
    }

    @Test
    void neighbourAdvertisementMatchesRfc4861() {
        Inet6Address address = (Inet6Address) InetAddress.ofLiteral("2001:db8::10");
        byte[] packet = Frames.unsolicitedNeighbourAdvertisement(MAC, address);
        String hex = HexFormat.of().formatHex(packet);

        assertThat(packet).hasSize(72);
        // version 6, payload 32 bytes, next header ICMPv6, hop limit 255
        assertThat(hex.substring(0, 16)).isEqualTo("600000000020" + "3a" + "ff");
        assertThat(Arrays.copyOfRange(packet, 8, 24)).isEqualTo(address.getAddress());
        assertThat(hex.substring(48, 80)).isEqualTo("ff020000000000000000000000000001");
        byte[] icmp = Arrays.copyOfRange(packet, 40, 72);
        assertThat(icmp[0] & 0xff).as("type").isEqualTo(136);
        assertThat(icmp[1]).as("code").isZero();
        assertThat(icmp[4] & 0xff).as("flags: Override only").isEqualTo(0x20);
        assertThat(Arrays.copyOfRange(icmp, 8, 24)).as("target").isEqualTo(address.getAddress());
        assertThat(HexFormat.of().formatHex(icmp, 24, 32)).as("target link-layer option").isEqualTo("0201021122334455");
    }

    @Test
    void theChecksumMakesTheOnesComplementSumZero() {
        Inet6Address address = (Inet6Address) InetAddress.ofLiteral("fd00:1::ab");
        byte[] packet = Frames.unsolicitedNeighbourAdvertisement(MAC, address);
        byte[] icmp = Arrays.copyOfRange(packet, 40, 72);

        // Summing a message that carries its checksum gives 0xffff, whose complement is 0.
        assertThat(Frames.icmpv6Checksum(address.getAddress(), Frames.ALL_NODES, icmp)).isZero();
        assertThat(icmp[2] | icmp[3]).as("checksum set").isNotZero();
    }

    @Test
    void checksumMatchesAWorkedExample() {
        // RFC 1071's example words 0001 f203 f4f5 f6f7 sum to ddf2 (before folding in the pseudo-header).
        byte[] zero = new byte[16];
        byte[] data = HexFormat.of().parseHex("0001f203f4f5f6f7");
        int pseudo = data.length + 58;
        assertThat(Frames.icmpv6Checksum(zero, zero, data)).isEqualTo(~(0xddf2 + pseudo) & 0xffff);
    }
}
