package io.fulcrum.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The scheduling algorithms a virtual server can name in lvs.cf's {@code scheduler} key.
 * The first eight are those of LVS/Piranha; the rest are later IPVS schedulers that Fulcrum
 * accepts as extensions.
 */
public enum SchedulerKind {
    RR("rr", "round robin"),
    WRR("wrr", "weighted round robin"),
    LC("lc", "least connection"),
    WLC("wlc", "weighted least connection"),
    LBLC("lblc", "locality-based least connection"),
    LBLCR("lblcr", "locality-based least connection with replication"),
    DH("dh", "destination hashing"),
    SH("sh", "source hashing"),
    SED("sed", "shortest expected delay"),
    NQ("nq", "never queue"),
    FO("fo", "weighted failover"),
    OVF("ovf", "weighted overflow"),
    MH("mh", "Maglev hashing");

    /** Piranha's default scheduler, and IPVS's. */
    public static final SchedulerKind DEFAULT = WLC;

    private final String lvsName;
    private final String description;

    SchedulerKind(String lvsName, String description) {
        this.lvsName = lvsName;
        this.description = description;
    }

    /** The name used in lvs.cf and in ipvsadm listings. */
    public String lvsName() {
        return lvsName;
    }

    public String description() {
        return description;
    }

    /** True for the eight schedulers Piranha's lvs.cf knows; the others are Fulcrum extensions. */
    public boolean isPiranha() {
        return ordinal() <= SH.ordinal();
    }

    public static Optional<SchedulerKind> byLvsName(String name) {
        return Arrays.stream(values()).filter(k -> k.lvsName.equals(name)).findFirst();
    }

    public static List<String> lvsNames() {
        return Arrays.stream(values()).map(SchedulerKind::lvsName).toList();
    }
}
