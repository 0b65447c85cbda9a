package io.fulcrum.admin;

import io.fulcrum.admin.wire.PairStatus;
import io.fulcrum.admin.wire.PairStatus.HeartbeatLink;
import io.fulcrum.admin.wire.PairStatus.Partner;
import java.util.Locale;

/**
 * The pair block that {@code fulcrum status} prints above the ipvsadm listing: this router's role
 * and state, the partner as its last heartbeat showed it, the links, and any mismatch. Problems
 * are written in capitals so that they catch the eye in a terminal full of numbers.
 */
public final class PairFormat {

    private PairFormat() {
    }

    public static String render(PairStatus pair) {
        StringBuilder out = new StringBuilder();
        out.append("Router: ").append(pair.role()).append(", ").append(pair.state()).append(" since ")
                .append(pair.since()).append(" (").append(pair.reason()).append(")\n");
        if (!pair.floatingAddresses().isEmpty()) {
            out.append("Holds: ").append(String.join(", ", pair.floatingAddresses())).append('\n');
        }
        Partner partner = pair.partner();
        if (partner != null) {
            out.append("Partner: ").append(partner.address());
            if (partner.role() == null) {
                out.append(", NEVER HEARD");
            } else {
                out.append(' ').append(partner.role()).append(", ").append(partner.state())
                        .append(partner.alive() ? "" : " (DEAD: no heartbeat for deadtime)")
                        .append(", last heartbeat ").append(ago(partner.lastHeardMillis()))
                        .append(", real servers up ").append(partner.realServersUp()).append('/')
                        .append(partner.realServersTotal()).append(" (counted per virtual server)");
            }
            out.append('\n');
        }
        for (HeartbeatLink link : pair.links()) {
            out.append("Link ").append(link.name()).append(": ").append(link.address());
            if (link.device() != null) {
                out.append(" on ").append(link.device());
            }
            out.append(", ").append(link.link().equals("up") ? "up" : link.link().toUpperCase(Locale.ROOT))
                    .append(", partner heard ").append(ago(link.lastHeardMillis())).append('\n');
        }
        if (partner != null) {
            out.append("Heartbeats: ").append(pair.authenticated() ? "authenticated (HMAC-SHA256)"
                            : "NOT AUTHENTICATED (set heartbeat_key_file)")
                    .append(", sent ").append(pair.heartbeatsSent()).append(", received ").append(pair.heartbeatsReceived())
                    .append(", rejected ").append(pair.heartbeatsRejected());
            if (pair.lastRejection() != null) {
                out.append(" (last: ").append(pair.lastRejection()).append(')');
            }
            out.append('\n');
            out.append("Config: ").append(pair.configMismatch()
                    ? "MISMATCH: the partner runs a different lvs.cf" : partner.role() == null ? "not compared yet"
                            : "same as the partner's").append('\n');
        }
        return out.toString();
    }

    private static String ago(long millis) {
        return millis < 0 ? "never" : String.format(Locale.ROOT, "%.2f s ago", millis / 1000.0);
    }
}
