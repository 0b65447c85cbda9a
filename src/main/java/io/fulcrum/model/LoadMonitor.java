package io.fulcrum.model;

import java.util.Arrays;
import java.util.Optional;

/** Where nanny read a real server's load for dynamic weights (lvs.cf {@code load_monitor}). */
public enum LoadMonitor {
    NONE("none"),
    UPTIME("uptime"),
    RUP("rup"),
    RUPTIME("ruptime");

    private final String lvsName;

    LoadMonitor(String lvsName) {
        this.lvsName = lvsName;
    }

    public String lvsName() {
        return lvsName;
    }

    public static Optional<LoadMonitor> byLvsName(String name) {
        return Arrays.stream(values()).filter(m -> m.lvsName.equals(name)).findFirst();
    }
}
