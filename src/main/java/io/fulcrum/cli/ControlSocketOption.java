package io.fulcrum.cli;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.DaemonSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
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

    /**
     * The socket to use; empty (after reporting why on {@code err}) when the config file cannot be
     * read. A file with errors still names the socket of the daemon that runs it; its errors are
     * counted on {@code err}, and listed when {@code listErrors} (a reload lists them from the daemon).
     */
    Optional<Path> resolve(PrintWriter err, boolean listErrors) {
        if (target == null) {
            return Optional.of(DaemonSettings.DEFAULT.controlSocket());
        }
        if (target.socket != null) {
            return Optional.of(target.socket);
        }
        ConfigResult result = LvsConfig.parse(target.config);
        if (result.config().isPresent()) {
            return Optional.of(result.config().get().daemon().controlSocket());
        }
        if (!Files.isReadable(target.config)) {
            result.errors().forEach(err::println);
            err.printf("%s: cannot tell where the control socket is; pass --socket PATH%n", target.config);
            return Optional.empty();
        }
        // the running daemon still serves the file it last loaded: find it, and say what a reload would refuse
        Path socket = LvsConfig.daemonSettings(target.config).controlSocket();
        if (listErrors) {
            result.errors().forEach(err::println);
        }
        int errors = result.errors().size();
        err.printf("%s: %d error%s (a reload would be rejected); control socket %s%n", target.config, errors,
                errors == 1 ? " remains" : "s remain", socket);
        return Optional.of(socket);
    }
}
