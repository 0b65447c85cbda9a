package io.fulcrum.model;

import java.time.Duration;

/**
 * How the proxy engine treats upstream connections of one virtual server (Fulcrum extensions).
 *
 * @param connectTimeout how long a connect to a real server may take
 * @param connectRetries how many other real servers are tried when a connect fails
 * @param drainTimeout   how long connections to a removed real server may keep running
 */
public record ProxySettings(Duration connectTimeout, int connectRetries, Duration drainTimeout) {

    public static final ProxySettings DEFAULT = new ProxySettings(Duration.ofSeconds(5), 2, Duration.ofSeconds(300));

    public ProxySettings {
        Checks.notNegative(connectTimeout, "connectTimeout");
        Checks.inRange(connectRetries, 0, Integer.MAX_VALUE, "connectRetries");
        Checks.notNegative(drainTimeout, "drainTimeout");
    }
}
