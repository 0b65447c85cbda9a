package io.fulcrum.model;

import java.util.Arrays;
import java.util.Optional;

/** The PROXY protocol header the proxy sends first on each connection to a real server (lvs.cf {@code proxy_protocol}). */
public enum ProxyProtocol {
    OFF("off"),
    /** HAProxy's text header. */
    V1("v1"),
    /** HAProxy's binary header. */
    V2("v2");

    private final String lvsName;

    ProxyProtocol(String lvsName) {
        this.lvsName = lvsName;
    }

    public String lvsName() {
        return lvsName;
    }

    public static Optional<ProxyProtocol> byLvsName(String name) {
        return Arrays.stream(values()).filter(p -> p.lvsName.equals(name)).findFirst();
    }
}
