package io.fulcrum.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises a keepalived.conf given where an lvs.cf is expected. Read as lvs.cf, every line of
 * one is an error; one error that says what the file is helps more than dozens.
 */
final class KeepalivedSyntax {

    /** keepalived's top-level and LVS block keywords, none of which is an lvs.cf key. */
    private static final Set<String> BLOCKS = Set.of("global_defs", "vrrp_instance", "vrrp_sync_group",
            "vrrp_script", "virtual_server", "virtual_server_group", "real_server", "static_ipaddress",
            "static_routes", "static_rules");

    private KeepalivedSyntax() {
    }

    /** The first line that opens a keepalived block ({@code virtual_server 10.0.0.1 80 {}), if any. */
    static Optional<Line> firstBlock(List<Line> lines) {
        return lines.stream()
                .filter(line -> BLOCKS.contains(line.tokens().getFirst().text())
                        && line.tokens().stream().anyMatch(token -> token.is("{") || token.text().endsWith("{")))
                .findFirst();
    }

    static String message(Line line) {
        return "this is a keepalived.conf (`" + line.tokens().getFirst().text() + " ... {` at line " + line.number()
                + "), not an lvs.cf: Fulcrum reads Piranha's lvs.cf; rewrite it as lvs.cf (docs/lvs.cf.md):"
                + " a virtual_server is a `virtual NAME {` block, a real_server a `server NAME {` block in it,"
                + " and the two routers are `primary`, `backup` and `backup_active = 1` instead of vrrp_instance";
    }
}
