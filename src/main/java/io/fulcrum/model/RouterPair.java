package io.fulcrum.model;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The two routers and their heartbeat (pulse's globals, plus Fulcrum's HA extensions).
 *
 * @param primary          the primary router's public address; the router owning it is the primary
 * @param primaryPrivate   a second heartbeat address of the primary
 * @param backupActive     whether a backup router exists (heartbeats are sent only then)
 * @param heartbeat        Piranha's {@code heartbeat} flag, which pulse never read
 * @param keepalive        time between heartbeats
 * @param deadtime         silence after which the partner is declared dead
 * @param monitorLinks     give up the active role when a local link goes down
 * @param activeCmd        run on becoming active
 * @param inactiveCmd      run on becoming inactive
 * @param heartbeatKey     shared secret authenticating heartbeats
 * @param heartbeatKeyFile file holding the shared secret
 * @param failback         hand the active role back to a returning primary
 * @param failbackDelay    how long the primary must have been back before it takes over
 */
public record RouterPair(
        Optional<InetAddress> primary,
        Optional<InetAddress> primaryPrivate,
        Optional<InetAddress> backup,
        Optional<InetAddress> backupPrivate,
        boolean backupActive,
        boolean heartbeat,
        int heartbeatPort,
        Duration keepalive,
        Duration deadtime,
        boolean monitorLinks,
        Optional<String> activeCmd,
        Optional<String> inactiveCmd,
        Optional<String> heartbeatKey,
        Optional<Path> heartbeatKeyFile,
        boolean failback,
        Duration failbackDelay) {

    public static final int DEFAULT_HEARTBEAT_PORT = 539;
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofMillis(200);
    public static final Duration DEFAULT_DEADTIME = Duration.ofMillis(600);
    public static final Duration DEFAULT_FAILBACK_DELAY = Duration.ofSeconds(30);
    /** The shortest heartbeat key accepted, in UTF-8 bytes: 128 bits, as many as a random key needs. */
    public static final int MIN_HEARTBEAT_KEY_BYTES = 16;

    public RouterPair {
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(primaryPrivate, "primaryPrivate");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(backupPrivate, "backupPrivate");
        Checks.port(heartbeatPort, "heartbeat_port");
        Checks.notNegative(keepalive, "keepalive");
        Checks.notNegative(deadtime, "deadtime");
        Checks.text(activeCmd, "active_cmd");
        Checks.text(inactiveCmd, "inactive_cmd");
        Checks.text(heartbeatKey, "heartbeat_key");
        Objects.requireNonNull(heartbeatKeyFile, "heartbeatKeyFile");
        Checks.notNegative(failbackDelay, "failbackDelay");
    }
}
