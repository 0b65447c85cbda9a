package io.fulcrum.cli;

import io.fulcrum.admin.ControlClient;
import io.fulcrum.admin.ControlException;
import io.fulcrum.admin.IpvsadmFormat;
import io.fulcrum.admin.PairFormat;
import io.fulcrum.admin.wire.Status;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum status}: the router's place in the pair, then the running table, read from the
 * daemon over its control socket and printed in the layouts of {@code ipvsadm -L -n}; the listing
 * options print the table alone, so that scripts written for ipvsadm read it.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
                "Print the router's role in the pair and the running daemon's table, as `ipvsadm -L -n` does.",
                "The pair block shows the state, the partner, the links and any config mismatch. The sorry"
                        + " server's row, while it is in use, ends with the note `sorry server` after ipvsadm's"
                        + " columns. -c/--connection, --stats and --rate are ipvsadm's options of the same names;"
                        + " the lvs.cf is given with --config only: -c means the connection list, as in ipvsadm."})
final class StatusCommand implements Callable<Integer> {

    static final class Listing {
        @Option(names = {"-c", "--connection"}, description = "List the open connections (ipvsadm -L -n -c)."
                + " A closed connection is not listed, but as in IPVS (TIME_WAIT) it stays in the InActConn"
                + " of the table for tcpfin_timeout (120 s by default), counting towards u_threshold and"
                + " keeping its persistence template alive.")
        boolean connections;

        @Option(names = "--stats", description = "Counters: Conns, InPkts, OutPkts, InBytes, OutBytes."
                + " Packet counts are 0 under the proxy engine, which relays streams and never sees packets.")
        boolean stats;

        @Option(names = "--rate", description = "Per-second rates: CPS, InPPS, OutPPS, InBPS, OutBPS"
                + " (2-second samples, smoothed as by IPVS). Packet rates are 0 as with --stats.")
        boolean rate;
    }

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private Listing listing;

    @Mixin
    private ControlSocketOption socket;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> path = socket.resolve(err, true);
        if (path.isEmpty()) {
            return 1;
        }
        try (ControlClient client = new ControlClient(path.get())) {
            out.print(render(client));
            out.flush();
            return 0;
        } catch (ControlException e) {
            err.println("fulcrum status: " + e.getMessage());
            return 1;
        }
    }

    private String render(ControlClient client) throws ControlException {
        if (listing == null) {
            Status status = client.status();
            return (status.pair() == null ? "" : PairFormat.render(status.pair()) + "\n") + IpvsadmFormat.list(status);
        }
        if (listing.connections) {
            return IpvsadmFormat.connections(client.connections());
        }
        return listing.stats ? IpvsadmFormat.stats(client.status()) : IpvsadmFormat.rate(client.status());
    }
}
