package io.fulcrum.cli;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.DaemonSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where the daemon's control socket is, for the commands that talk to it: {@code --socket PATH},
 * or {@code --config FILE} to read {@code control_socket} (and {@code state_dir}) from the lvs.cf
 * the daemon runs, or else the default {@code /run/fulcrum/fulcrum.sock}.
 */
final class ControlSocketOption {

    static final class Target {
        @Option(names = "--socket", paramLabel = "PATH", required = true,
                description = "The daemon's control socket (default: /run/fulcrum/fulcrum.sock).")
        Path socket;

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "Find the control socket from this lvs.cf's control_socket and state_dir keys."
                        + " There is no short form: -c is ipvsadm's connection list.")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private Target target;

    /** The socket to use; empty (after reporting why on {@code err}) when the config file cannot say. */
    Optional<Path> resolve(PrintWriter err) {
        if (target == null) {
            return Optional.of(DaemonSettings.DEFAULT.controlSocket());
        }
        if (target.socket != null) {
            return Optional.of(target.socket);
        }
        ConfigResult result = LvsConfig.parse(target.config);
        if (result.config().isEmpty()) {
            LvsConfig.shown(result.errors()).forEach(err::println);
            err.printf("%s: cannot tell where the control socket is; fix the file or pass --socket PATH%n", target.config);
            return Optional.empty();
        }
        return Optional.of(result.config().get().daemon().controlSocket());
    }
}
