package io.fulcrum.cli;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.Diagnostic;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.config.Severity;
import io.fulcrum.ha.FloatingAddresses;
import io.fulcrum.ha.FloatingAddresses.Placement;
import io.fulcrum.ha.HeartbeatCodec;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Config;
import io.fulcrum.model.RouterPair;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.net.Addresses;
import io.fulcrum.net.NetlinkAddresses;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum check -c FILE}: parses and validates an lvs.cf without starting anything.
 * Exit 0, a one-line summary and the floating addresses with their prefixes for a good file;
 * exit 1 and every error for a bad one.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check an lvs.cf file; starts and changes nothing.",
                "Prints a one-line summary and the floating addresses (VIPs, nat_router) with the prefix this host"
                        + " would give them, or every error as FILE:LINE: message. A heartbeat_key_file that"
                        + " `fulcrum run` would refuse (owner, permissions, length) is an error here too."})
final class CheckCommand implements Callable<Integer> {

    static final String DEFAULT_CONFIG = "/etc/sysconfig/ha/lvs.cf";

    @Spec
    private CommandSpec spec;

    /** This host's interfaces, read for the prefix of a VIP without a netmask. */
    private final Supplier<Addresses> host;

    CheckCommand() {
        this(NetlinkAddresses::new);
    }

    CheckCommand(Supplier<Addresses> host) {
        this.host = host;
    }

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
            // check never applies anything, valid or not
            err.printf("%s: %d error%s, not valid%n", file, result.errors().size(),
                    result.errors().size() == 1 ? "" : "s");
            return 1;
        }
        Optional<Diagnostic> key = keyFileCheck(file, result.config().get().routerPair());
        if (key.isPresent() && key.get().severity() == Severity.ERROR) {
            err.println(key.get());
            err.printf("%s: 1 error, not valid%n", file);
            return 1;
        }
        key.ifPresent(err::println);
        out.println(summary(file, result.config().get(), result.warnings().size() + (key.isPresent() ? 1 : 0)));
        List<Placement> floating = FloatingAddresses.placements(result.config().get(), host.get());
        if (!floating.isEmpty()) {
            out.println("floating addresses, as this host would bring them up when active:");
            floating.forEach(p -> out.println("  " + FloatingAddresses.text(p.address()) + " (" + p.why() + ")"));
        }
        return 0;
    }

    /**
     * Reads {@code heartbeat_key_file} as {@code run} does (owner, permissions, length), so that check
     * refuses what run would refuse at start. A file that is not on this host, or that this user may
     * not read, is a warning: it is checked where the router runs.
     */
    static Optional<Diagnostic> keyFileCheck(Path file, RouterPair pair) {
        if (pair.heartbeatKeyFile().isEmpty()) {
            return Optional.empty();
        }
        Path keyFile = pair.heartbeatKeyFile().get();
        int line = lineOf(file, "heartbeat_key_file");
        if (!Files.exists(keyFile)) {
            return Optional.of(new Diagnostic(file.toString(), line, "heartbeat_key_file", "heartbeat_key_file "
                    + keyFile + " does not exist on this host; `fulcrum run` refuses to start without it",
                    Severity.WARNING));
        }
        try {
            HeartbeatCodec.key(Optional.empty(), Optional.of(keyFile));
            return Optional.empty();
        } catch (AccessDeniedException e) {
            return Optional.of(new Diagnostic(file.toString(), line, "heartbeat_key_file", "heartbeat_key_file "
                    + keyFile + " is not readable by this user: not checked; run check as the user the router runs as",
                    Severity.WARNING));
        } catch (IOException | RuntimeException e) {
            return Optional.of(new Diagnostic(file.toString(), line, "heartbeat_key_file", e.getMessage(),
                    Severity.ERROR));
        }
    }

    /** The line of the first {@code key = ...} of the file, or 0 when it cannot be told. */
    private static int lineOf(Path file, String key) {
        Pattern assignment = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*=");
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (assignment.matcher(lines.get(i)).find()) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            // the file was parsed a moment ago; without its line the message still names file and key
        }
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
