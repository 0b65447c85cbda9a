package io.fulcrum.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.model.ProxyProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The header sent to a real server, as bytes on the wire. */
class ProxyHeadersTest {

    private static String v1(InetSocketAddress client, InetSocketAddress destination) {
        EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        channel.writeOutbound(ProxyHeaders.of(ProxyProtocol.V1, client, destination));
        ByteBuf written = channel.readOutbound();
        try {
            return written.toString(StandardCharsets.US_ASCII);
        } finally {
            written.release();
            channel.finishAndReleaseAll();
        }
    }

    private static InetSocketAddress at(String address, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(address), port);
    }

    @Test
    void sameFamiliesAreWrittenAsTheyAre() {
        assertThat(v1(at("198.51.100.7", 40000), at("192.0.2.80", 443)))
                .isEqualTo("PROXY TCP4 198.51.100.7 192.0.2.80 40000 443\r\n");
        assertThat(v1(at("2001:db8::7", 40000), at("2001:db8::80", 443)))
                .isEqualTo("PROXY TCP6 2001:db8::7 2001:db8::80 40000 443\r\n");
    }

    @Test
    void mixedFamiliesAreWrittenAsIpv6WithTheIpv4SideMapped() {
        assertThat(v1(at("198.51.100.7", 40000), at("2001:db8::80", 443)))
                .isEqualTo("PROXY TCP6 ::ffff:198.51.100.7 2001:db8::80 40000 443\r\n");
        assertThat(v1(at("2001:db8::7", 40000), at("192.0.2.80", 443)))
                .isEqualTo("PROXY TCP6 2001:db8::7 ::ffff:192.0.2.80 40000 443\r\n");
    }
}
