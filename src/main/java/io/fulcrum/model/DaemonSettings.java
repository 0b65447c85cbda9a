package io.fulcrum.model;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one Fulcrum daemon keeps its runtime files, which engine it runs and where its API listens
 * (Fulcrum extensions); separate state directories let two routers run on one host.
 *
 * @param adminListen where the REST API and the metrics listen; empty for {@code admin_listen = none}
 * @param adminUsers  the API's users file; empty for the default, {@code fulcrum.users} beside the lvs.cf
 */
public record DaemonSettings(EngineKind engine, Path stateDir, Path controlSocket, Path pidFile,
                             Optional<InetSocketAddress> adminListen, Optional<Path> adminUsers) {

    public static final Path DEFAULT_STATE_DIR = Path.of("/run/fulcrum");
    public static final InetSocketAddress DEFAULT_ADMIN_LISTEN =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 3636);
    public static final String DEFAULT_USERS_FILE = "fulcrum.users";
    public static final DaemonSettings DEFAULT = inStateDir(EngineKind.PROXY, DEFAULT_STATE_DIR);

    public DaemonSettings {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(controlSocket, "controlSocket");
        Objects.requireNonNull(pidFile, "pidFile");
        Objects.requireNonNull(adminListen, "adminListen");
        Objects.requireNonNull(adminUsers, "adminUsers");
    }

    /** With the API on its default address and the default users file. */
    public DaemonSettings(EngineKind engine, Path stateDir, Path controlSocket, Path pidFile) {
        this(engine, stateDir, controlSocket, pidFile, Optional.of(DEFAULT_ADMIN_LISTEN), Optional.empty());
    }

    /** The users file of the daemon that runs {@code configFile}. */
    public Path usersFile(Path configFile) {
        return adminUsers.orElseGet(() -> configFile.toAbsolutePath().resolveSibling(DEFAULT_USERS_FILE));
    }

    public static DaemonSettings inStateDir(EngineKind engine, Path stateDir) {
        return new DaemonSettings(engine, stateDir, defaultControlSocket(stateDir), defaultPidFile(stateDir));
    }

    public static Path defaultControlSocket(Path stateDir) {
        return stateDir.resolve("fulcrum.sock");
    }

    public static Path defaultPidFile(Path stateDir) {
        return stateDir.resolve("fulcrum.pid");
    }
}
