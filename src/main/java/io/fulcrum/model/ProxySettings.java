package io.fulcrum.model;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the proxy engine treats the connections of one virtual server (Fulcrum extensions).
 *
 * @param connectTimeout      how long a connect to a real server may take; also how long a trusted
 *                            front balancer may take to send its PROXY header
 * @param connectRetries      how many other real servers are tried when a connect fails
 * @param drainTimeout        how long connections to a removed real server may keep running
 * @param proxyProtocol       the PROXY header sent first to the real server, if any
 * @param acceptProxyProtocol whether connections from {@code acceptProxyFrom} start with a PROXY header
 * @param acceptProxyFrom     the front balancers trusted to say who the client is
 */
public record ProxySettings(Duration connectTimeout, int connectRetries, Duration drainTimeout,
        ProxyProtocol proxyProtocol, boolean acceptProxyProtocol, List<AddressPrefix> acceptProxyFrom) {

    public static final ProxySettings DEFAULT = new ProxySettings(Duration.ofSeconds(5), 2, Duration.ofSeconds(300));

    public ProxySettings {
        Checks.notNegative(connectTimeout, "connectTimeout");
        Checks.inRange(connectRetries, 0, Integer.MAX_VALUE, "connectRetries");
        Checks.notNegative(drainTimeout, "drainTimeout");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        acceptProxyFrom = List.copyOf(acceptProxyFrom);
    }

    /** Without PROXY headers either way. */
    public ProxySettings(Duration connectTimeout, int connectRetries, Duration drainTimeout) {
        this(connectTimeout, connectRetries, drainTimeout, ProxyProtocol.OFF, false, List.of());
    }

    /** Whether a connection from {@code source} must start with a PROXY header naming the real client. */
    public boolean trustsProxyHeaderFrom(InetAddress source) {
        if (!acceptProxyProtocol) {
            return false;
        }
        for (AddressPrefix front : acceptProxyFrom) {
            if (front.contains(source)) {
                return true;
            }
        }
        return false;
    }
}
