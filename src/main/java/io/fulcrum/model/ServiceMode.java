package io.fulcrum.model;

import java.util.Arrays;
import java.util.Optional;

/** Which kind of block a router runs (lvs.cf {@code service}): virtual servers or failover services. */
public enum ServiceMode {
    LVS("lvs"),
    FOS("fos");

    private final String lvsName;

    ServiceMode(String lvsName) {
        this.lvsName = lvsName;
    }

    public String lvsName() {
        return lvsName;
    }

    public static Optional<ServiceMode> byLvsName(String name) {
        return Arrays.stream(values()).filter(m -> m.lvsName.equals(name)).findFirst();
    }
}
