package io.fulcrum.cli;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum run -c FILE}: runs a router in the foreground until SIGTERM or SIGINT; SIGHUP
 * reloads the file.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a router in the foreground.",
                "Serves the virtual servers of FILE and checks their real servers; reloads on SIGHUP (or"
                        + " `fulcrum reload`); on SIGTERM or SIGINT stops accepting, drains, and exits 0."})
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = CheckCommand.DEFAULT_CONFIG,
            description = "The lvs.cf to serve (default: ${DEFAULT-VALUE}).")
    private Path file;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "On SIGTERM, how long open connections may take to finish (default: ${DEFAULT-VALUE}).")
    private long drainSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ConfigResult result = LvsConfig.parse(file);
        LvsConfig.shown(result.warnings()).forEach(err::println);
        LvsConfig.shown(result.errors()).forEach(err::println);
        if (result.config().isEmpty()) {
            err.printf("%s: %d error(s); not starting%n", file, result.errors().size());
            return 1;
        }
        Config config = result.config().get();
        try (Daemon daemon = Daemon.start(file, config)) {
            daemon.awaitStopSignal();
            return daemon.stop(Duration.ofSeconds(drainSeconds));
        }
    }
}
