package io.fulcrum.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * IPVS scheduler flags ({@code ipvsadm -b}), set in lvs.cf with the {@code scheduler_flags}
 * extension. Only the hashing schedulers read them.
 */
public enum SchedulerFlag {
    /** sh: when the hashed real server is unavailable, probe other buckets (IP_VS_SVC_F_SCHED1). */
    SH_FALLBACK("sh-fallback", SchedulerKind.SH),
    /** sh: hash the client's source port too (IP_VS_SVC_F_SCHED2). */
    SH_PORT("sh-port", SchedulerKind.SH),
    /** mh: when the looked-up real server is unavailable, probe other slots (SCHED1). */
    MH_FALLBACK("mh-fallback", SchedulerKind.MH),
    /** mh: hash the client's source port too (SCHED2). */
    MH_PORT("mh-port", SchedulerKind.MH);

    private final String lvsName;
    private final SchedulerKind scheduler;

    SchedulerFlag(String lvsName, SchedulerKind scheduler) {
        this.lvsName = lvsName;
        this.scheduler = scheduler;
    }

    public String lvsName() {
        return lvsName;
    }

    /** The scheduler this flag applies to. */
    public SchedulerKind scheduler() {
        return scheduler;
    }

    public boolean isFallback() {
        return this == SH_FALLBACK || this == MH_FALLBACK;
    }

    public boolean isPort() {
        return this == SH_PORT || this == MH_PORT;
    }

    public static Optional<SchedulerFlag> byLvsName(String name) {
        return Arrays.stream(values()).filter(f -> f.lvsName.equals(name)).findFirst();
    }
}
