package io.fulcrum.model;

import java.util.Arrays;
import java.util.Optional;

/** The packet forwarding method of every virtual server (lvs.cf {@code network}). */
public enum Forwarding {
    NAT("nat", "Masq"),
    DIRECT("direct", "Route"),
    TUNNEL("tunnel", "Tunnel");

    private final String lvsName;
    private final String ipvsadmLabel;

    Forwarding(String lvsName, String ipvsadmLabel) {
        this.lvsName = lvsName;
        this.ipvsadmLabel = ipvsadmLabel;
    }

    public String lvsName() {
        return lvsName;
    }

    /** The Forward column of {@code ipvsadm -L -n}. */
    public String ipvsadmLabel() {
        return ipvsadmLabel;
    }

    public static Optional<Forwarding> byLvsName(String name) {
        return Arrays.stream(values()).filter(f -> f.lvsName.equals(name)).findFirst();
    }
}
