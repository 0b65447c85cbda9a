package io.fulcrum.model;

import java.util.Arrays;
import java.util.Optional;

/** The transport protocol of an address virtual service (lvs.cf {@code protocol}). */
public enum Protocol {
    TCP("tcp", "TCP"),
    UDP("udp", "UDP");

    private final String lvsName;
    private final String label;

    Protocol(String lvsName, String label) {
        this.lvsName = lvsName;
        this.label = label;
    }

    public String lvsName() {
        return lvsName;
    }

    /** The protocol column of an ipvsadm listing. */
    public String label() {
        return label;
    }

    public static Optional<Protocol> byLvsName(String name) {
        return Arrays.stream(values()).filter(p -> p.lvsName.equals(name)).findFirst();
    }
}
