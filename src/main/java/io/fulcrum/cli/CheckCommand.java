package io.fulcrum.cli;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Config;
import io.fulcrum.model.RouterPair;
import io.fulcrum.model.VirtualServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum check -c FILE}: parses and validates an lvs.cf without starting anything.
 * Exit 0 and a one-line summary for a good file; exit 1 and every error for a bad one.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check an lvs.cf file: print a summary, or every error as FILE:LINE: message. Starts nothing.")
final class CheckCommand implements Callable<Integer> {

    static final String DEFAULT_CONFIG = "/etc/sysconfig/ha/lvs.cf";

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT_CONFIG,
            description = "The lvs.cf to check (default: ${DEFAULT-VALUE}).")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigResult result = LvsConfig.parse(file);
        LvsConfig.shown(result.warnings()).forEach(err::println);
        LvsConfig.shown(result.errors()).forEach(err::println);
        if (result.config().isEmpty()) {
            err.printf("%s: %d error%s, nothing applied%n", file, result.errors().size(),
                    result.errors().size() == 1 ? "" : "s");
            return 1;
        }
        out.println(summary(file, result.config().get(), result.warnings().size()));
        return 0;
    }

    static String summary(Path file, Config config, int warnings) {
        long virtualServers = config.virtualServers().size();
        long activeVirtual = config.virtualServers().stream().filter(VirtualServer::active).count();
        long realServers = config.virtualServers().stream().mapToLong(v -> v.realServers().size()).sum();
        long activeReal = config.virtualServers().stream()
                .mapToLong(v -> v.realServers().stream().filter(r -> r.active()).count()).sum();
        RouterPair pair = config.routerPair();
        String role = pair.backupActive()
                ? "router pair " + pair.primary().map(AddressText::of).orElse("?") + " / "
                        + pair.backup().map(AddressText::of).orElse("?")
                : "standalone router";
        return String.format("%s: OK: %d virtual server%s (%d active), %d real server%s (%d active), %s%s",
                file, virtualServers, virtualServers == 1 ? "" : "s", activeVirtual,
                realServers, realServers == 1 ? "" : "s", activeReal, role,
                warnings == 0 ? "" : ", " + warnings + " warning" + (warnings == 1 ? "" : "s"));
    }
}
