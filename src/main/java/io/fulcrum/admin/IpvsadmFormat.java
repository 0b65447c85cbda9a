package io.fulcrum.admin;

import io.fulcrum.admin.wire.ConnectionEntry;
import io.fulcrum.admin.wire.RealServerStatus;
import io.fulcrum.admin.wire.Status;
import io.fulcrum.admin.wire.VirtualServerStatus;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The listings of {@code ipvsadm -L -n} (plain, {@code --stats}, {@code --rate}, {@code -c}) in
 * ipvsadm's exact layouts (reference/ipvs.md 4.1-4.4), so that scripts written for ipvsadm read
 * Fulcrum's. Pure functions of the wire records.
 *
 * <p>One deliberate change: ipvsadm's first line, {@code IP Virtual Server version 1.2.1 (size=4096)},
 * reads {@code Fulcrum version 0.1.0 (engine=proxy (epoll))}: the same shape, the version after the
 * word "version", the hash table size replaced by the engine serving the table.
 *
 * <p>One addition: the sorry server's row, listed while it is in use, ends with the note
 * {@code sorry server} after ipvsadm's last column, which keeps every column where ipvsadm has it.
 *
 * <p>Services are sorted as ipvsadm sorts them (fwmark with 0 first, family, protocol number,
 * address, port) and real servers by address then port. Addresses are compared as unsigned
 * bytes; ipvsadm's subtraction into an int, which misorders IPv4 addresses 2^31 apart, is not copied.
 */
public final class IpvsadmFormat {

    private static final String SERVICE_HEADER = "Prot LocalAddress:Port";
    private static final String DEST_HEADER = "  -> RemoteAddress:Port";
    /** The name {@link TableStatus} gives the sorry server's row, and the note that marks it in the listing. */
    private static final String SORRY_SERVER = "sorry_server";
    private static final String SORRY_NOTE = " sorry server";

    private static final Comparator<VirtualServerStatus> SERVICE_ORDER = Comparator
            .comparingInt(VirtualServerStatus::fwmark)
            .thenComparingInt(v -> address(v.address()).length)
            .thenComparingInt(v -> protocolNumber(v.protocol()))
            .thenComparing((a, b) -> Arrays.compareUnsigned(address(a.address()), address(b.address())))
            .thenComparingInt(VirtualServerStatus::port);

    private static final Comparator<RealServerStatus> DEST_ORDER = Comparator
            .comparingInt((RealServerStatus r) -> address(r.address()).length)
            .thenComparing((a, b) -> Arrays.compareUnsigned(address(a.address()), address(b.address())))
            .thenComparingInt(RealServerStatus::port);

    private IpvsadmFormat() {
    }

    /** {@code ipvsadm -L -n}. Destination rows keep ipvsadm's trailing blanks. */
    public static String list(Status status) {
        StringBuilder out = new StringBuilder(title(status));
        out.append(SERVICE_HEADER).append(" Scheduler Flags\n");
        out.append(DEST_HEADER).append("           Forward Weight ActiveConn InActConn\n");
        each(status, (service, dests) -> {
            out.append(service.label()).append(' ').append(service.scheduler());
            if (!service.schedulerFlags().isEmpty()) {
                out.append(" (").append(String.join(",", service.schedulerFlags())).append(')');
            }
            if (service.persistentTimeout() > 0) {
                out.append(" persistent ").append(service.persistentTimeout());
                if (service.persistentMask() != null) {
                    out.append(" mask ").append(service.persistentMask());
                }
            }
            out.append('\n');
            for (RealServerStatus dest : dests) {
                out.append(format("  -> %-28s %-7s %-6d %-10d %-10d", dest.endpoint(), dest.forward(),
                        dest.weight(), dest.active(), dest.inactive()));
                // after ipvsadm's columns (and their trailing blanks), so that a script reading them is not misled
                out.append(dest.name().equals(SORRY_SERVER) ? SORRY_NOTE : "").append('\n');
            }
        });
        return out.toString();
    }

    /**
     * {@code ipvsadm -L -n --stats}. InPkts and OutPkts are 0 under the proxy engine: it relays
     * streams and never sees packets.
     */
    public static String stats(Status status) {
        StringBuilder out = new StringBuilder(title(status));
        out.append(columns("Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"));
        each(status, (service, dests) -> {
            var s = service.stats();
            out.append(format("%-33s", service.label()))
                    .append(numbers(s.conns(), s.inPkts(), s.outPkts(), s.inBytes(), s.outBytes())).append('\n');
            for (RealServerStatus dest : dests) {
                var d = dest.stats();
                out.append(format("  -> %-28s", dest.endpoint()))
                        .append(numbers(d.conns(), d.inPkts(), d.outPkts(), d.inBytes(), d.outBytes())).append('\n');
            }
        });
        return out.toString();
    }

    /** {@code ipvsadm -L -n --rate}: per-second estimates; packet rates are 0 as in {@link #stats}. */
    public static String rate(Status status) {
        StringBuilder out = new StringBuilder(title(status));
        out.append(columns("CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"));
        each(status, (service, dests) -> {
            var r = service.rates();
            out.append(format("%-33s", service.label()))
                    .append(numbers(r.cps(), r.inPps(), r.outPps(), r.inBps(), r.outBps())).append('\n');
            for (RealServerStatus dest : dests) {
                var d = dest.rates();
                out.append(format("  -> %-28s %8d %8d %8d", dest.endpoint(), d.cps(), d.inPps(), d.outPps()))
                        .append(numbers(d.inBps(), d.outBps())).append('\n');
            }
        });
        return out.toString();
    }

    /** {@code ipvsadm -L -n -c}, in the order the engine reported the connections. */
    public static String connections(List<ConnectionEntry> entries) {
        StringBuilder out = new StringBuilder("IPVS connection entries\n");
        out.append(format("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination"));
        for (ConnectionEntry entry : entries) {
            String expire = format("%02d:%02d", entry.expiresSeconds() / 60, entry.expiresSeconds() % 60);
            out.append(format("%-3s %-6s %-11s %-18s %-18s %s\n", entry.protocol(), expire, entry.state(),
                    entry.client(), entry.virtual(), entry.real()));
        }
        return out.toString();
    }

    /**
     * ipvsadm's 9-character counter: {@code %9d} below 10^8, else {@code %8d} of the value scaled
     * down with a K (10^3), M (10^6), G (10^9) or T (10^12) suffix.
     */
    public static String number(long value) {
        if (value < 100_000_000L) {
            return format("%9d", value);
        }
        if (value < 1_000_000_000L) {
            return format("%8dK", value / 1_000L);
        }
        if (value < 100_000_000_000L) {
            return format("%8dM", value / 1_000_000L);
        }
        if (value < 100_000_000_000_000L) {
            return format("%8dG", value / 1_000_000_000L);
        }
        return format("%8dT", value / 1_000_000_000_000L);
    }

    private static String title(Status status) {
        return "Fulcrum version " + status.version() + " (engine=" + status.engine() + ")\n";
    }

    private static String columns(String first, String second, String third, String fourth, String fifth) {
        return format("%-33s %8s %8s %8s %8s %8s\n", SERVICE_HEADER, first, second, third, fourth, fifth)
                + DEST_HEADER + "\n";
    }

    private static String numbers(long... values) {
        StringBuilder text = new StringBuilder();
        for (long value : values) {
            text.append(number(value));
        }
        return text.toString();
    }

    private static void each(Status status, BiConsumer<VirtualServerStatus, List<RealServerStatus>> service) {
        status.virtualServers().stream().sorted(SERVICE_ORDER)
                .forEach(v -> service.accept(v, v.realServers().stream().sorted(DEST_ORDER).toList()));
    }

    /** Digits stay ASCII whatever the default locale. */
    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static byte[] address(String literal) {
        return InetAddress.ofLiteral(literal).getAddress();
    }

    /** IANA protocol numbers, by which ipvsadm orders services. */
    private static int protocolNumber(String protocol) {
        return switch (protocol) {
            case "TCP" -> 6;
            case "UDP" -> 17;
            default -> 0;
        };
    }
}
