package io.fulcrum.proxy;

import io.fulcrum.model.ProxyProtocol;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** HAProxy's PROXY protocol headers: the one sent to a real server, and the addresses read from a trusted front. */
final class ProxyHeaders {

    private ProxyHeaders() {
    }

    /**
     * The header naming {@code client} as the source and {@code destination} (the VIP:port it asked
     * for) as the destination. A pair of mixed families is sent as IPv6, the IPv4 side mapped
     * ({@code ::ffff:192.0.2.1}), as HAProxy does.
     */
    static HAProxyMessage of(ProxyProtocol version, InetSocketAddress client, InetSocketAddress destination) {
        InetAddress source = client.getAddress();
        InetAddress target = destination.getAddress();
        boolean ipv4 = source instanceof Inet4Address && target instanceof Inet4Address;
        return new HAProxyMessage(version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY, ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                text(source, ipv4), text(target, ipv4), client.getPort(), destination.getPort());
    }

    private static String text(InetAddress address, boolean ipv4) {
        if (ipv4 || !(address instanceof Inet4Address)) {
            return NetUtil.toAddressString(address);
        }
        return "::ffff:" + address.getHostAddress();
    }

    /**
     * Whether the header carries the connection's addresses: a front's own connections (v2 LOCAL,
     * its health checks) and v1 UNKNOWN carry none, and the connection's own addresses stand.
     */
    static boolean carriesAddresses(HAProxyMessage header) {
        return header.command() == HAProxyCommand.PROXY
                && header.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_UNIX
                && header.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_UNSPEC;
    }

    static InetSocketAddress source(HAProxyMessage header) {
        return new InetSocketAddress(InetAddress.ofLiteral(header.sourceAddress()), header.sourcePort());
    }

    static InetSocketAddress destination(HAProxyMessage header) {
        return new InetSocketAddress(InetAddress.ofLiteral(header.destinationAddress()), header.destinationPort());
    }
}
