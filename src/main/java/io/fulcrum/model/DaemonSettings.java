package io.fulcrum.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one Fulcrum daemon keeps its runtime files and which engine it runs (Fulcrum extensions);
 * separate state directories let two routers run on one host.
 */
public record DaemonSettings(EngineKind engine, Path stateDir, Path controlSocket, Path pidFile) {

    public static final Path DEFAULT_STATE_DIR = Path.of("/run/fulcrum");
    public static final DaemonSettings DEFAULT = inStateDir(EngineKind.PROXY, DEFAULT_STATE_DIR);

    public DaemonSettings {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(controlSocket, "controlSocket");
        Objects.requireNonNull(pidFile, "pidFile");
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
