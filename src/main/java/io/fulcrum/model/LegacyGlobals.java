package io.fulcrum.model;

import java.util.Optional;

/**
 * Piranha globals that Fulcrum accepts and keeps, so that a file survives a round trip, but does
 * not act on: FOS shared disks, rsh for load monitoring, the IPVS sync daemon, lvsd's options.
 */
public record LegacyGlobals(
        String rshCommand,
        boolean sync,
        String debugLevel,
        String ipvsadm,
        boolean syncdaemon,
        String syncdIface,
        int syncdId,
        boolean hardShutdown,
        Optional<String> primaryShared,
        Optional<String> backupShared,
        Optional<String> reservationConflictAction) {

    public static final LegacyGlobals DEFAULT = new LegacyGlobals("rsh", false, "NONE", "/sbin/ipvsadm", false,
            "eth0", 0, true, Optional.empty(), Optional.empty(), Optional.empty());

    public LegacyGlobals {
        Checks.notEmpty(rshCommand, "rsh_command");
        Checks.notEmpty(debugLevel, "debug_level");
        Checks.notEmpty(ipvsadm, "ipvsadm");
        Checks.notEmpty(syncdIface, "syncd_iface");
        Checks.inRange(syncdId, 0, 255, "syncd_id");
        Checks.text(primaryShared, "primary_shared");
        Checks.text(backupShared, "backup_shared");
        Checks.text(reservationConflictAction, "reservation_conflict_action");
    }
}
