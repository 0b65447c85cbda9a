package io.fulcrum.model;

import java.util.Optional;

/**
 * Virtual-server keys Piranha accepted that Fulcrum keeps but does not use: nanny's path and
 * the FOS-era {@code start_cmd}, {@code stop_cmd}, {@code master} and {@code dirs}.
 */
public record LegacyVirtualKeys(Optional<String> clientMonitor, Optional<String> startCmd,
                                Optional<String> stopCmd, Optional<String> master, Optional<String> dirs) {

    public static final LegacyVirtualKeys NONE = new LegacyVirtualKeys(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public LegacyVirtualKeys {
        Checks.text(clientMonitor, "client_monitor");
        Checks.text(startCmd, "start_cmd");
        Checks.text(stopCmd, "stop_cmd");
        Checks.text(master, "master");
        Checks.text(dirs, "dirs");
    }
}
