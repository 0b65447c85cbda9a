package io.fulcrum.cli;

import io.fulcrum.admin.ControlClient;
import io.fulcrum.admin.ControlException;
import io.fulcrum.admin.wire.ReloadOutcome;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum reload}: asks the running daemon to re-read its lvs.cf. The daemon validates the
 * whole file first; a file with errors is reported here and changes nothing.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Ask the running daemon to reload its lvs.cf (what SIGHUP does), and report the outcome.",
                "A file with errors changes nothing: every error is printed and the exit status is 1."})
final class ReloadCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlSocketOption socket;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> path = socket.resolve(err, false);
        if (path.isEmpty()) {
            return 1;
        }
        ReloadOutcome outcome;
        try (ControlClient client = new ControlClient(path.get())) {
            outcome = client.reload();
        } catch (ControlException e) {
            err.println("fulcrum reload: " + e.getMessage());
            return 1;
        }
        if (outcome.applied()) {
            out.println("reloaded: " + outcome.summary());
            return 0;
        }
        outcome.errors().forEach(err::println);
        err.printf("reload rejected: %d error%s; the daemon keeps its current configuration%n",
                outcome.errors().size(), outcome.errors().size() == 1 ? "" : "s");
        return 1;
    }
}
