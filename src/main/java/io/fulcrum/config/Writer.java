package io.fulcrum.config;

import io.fulcrum.model.AddressPrefix;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Config;
import io.fulcrum.model.DaemonSettings;
import io.fulcrum.model.FailoverService;
import io.fulcrum.model.HealthCheck;
import io.fulcrum.model.LegacyGlobals;
import io.fulcrum.model.LegacyVirtualKeys;
import io.fulcrum.model.LoadMonitor;
import io.fulcrum.model.PortRuns;
import io.fulcrum.model.ProxySettings;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.RouterPair;
import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.StatusRange;
import io.fulcrum.model.Timeouts;
import io.fulcrum.model.VirtualServer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Renders a {@link Config} as lvs.cf in Piranha's layout: globals, then virtual blocks with keys
 * indented by five blanks and nested server blocks. It writes every key whose value differs from
 * the default plus those Piranha always wrote, so that parsing the text gives an equal config.
 */
final class Writer {

    private static final String KEY_INDENT = "     ";
    private static final String SERVER_KEY_INDENT = "          ";

    private final StringBuilder out = new StringBuilder();

    private Writer() {
    }

    static String write(Config config) {
        Writer writer = new Writer();
        writer.globals(config);
        config.virtualServers().forEach(writer::virtual);
        config.failoverServices().forEach(writer::failover);
        return writer.out.toString();
    }

    private void globals(Config config) {
        RouterPair pair = config.routerPair();
        LegacyGlobals legacy = config.legacy();
        LegacyGlobals defaults = LegacyGlobals.DEFAULT;
        key("", "serial_no", Long.toString(config.serialNo()));
        address("", "primary", pair.primary());
        address("", "primary_private", pair.primaryPrivate());
        text("", "primary_shared", legacy.primaryShared());
        key("", "service", config.service().lvsName());
        key("", "backup_active", bool(pair.backupActive()));
        address("", "backup", pair.backup());
        address("", "backup_private", pair.backupPrivate());
        text("", "backup_shared", legacy.backupShared());
        key("", "heartbeat", bool(pair.heartbeat()));
        key("", "heartbeat_port", Integer.toString(pair.heartbeatPort()));
        key("", "keepalive", Seconds.text(pair.keepalive()));
        key("", "deadtime", Seconds.text(pair.deadtime()));
        text("", "reservation_conflict_action", legacy.reservationConflictAction());
        changed("", "rsh_command", token(legacy.rshCommand()), token(defaults.rshCommand()));
        changed("", "sync", bool(legacy.sync()), bool(defaults.sync()));
        key("", "network", config.network().lvsName());
        config.natRouter().ifPresent(nat -> {
            key("", "nat_router", AddressText.of(nat.address()) + " " + token(nat.device()));
            netmask("", "nat_nmask", nat.prefixLength(), nat.address());
        });
        changed("", "debug_level", token(legacy.debugLevel()), token(defaults.debugLevel()));
        changed("", "ipvsadm", token(legacy.ipvsadm()), token(defaults.ipvsadm()));
        command("", "active_cmd", pair.activeCmd());
        command("", "inactive_cmd", pair.inactiveCmd());
        changed("", "monitor_links", bool(pair.monitorLinks()), bool(false));
        changed("", "syncdaemon", bool(legacy.syncdaemon()), bool(defaults.syncdaemon()));
        changed("", "syncd_iface", token(legacy.syncdIface()), token(defaults.syncdIface()));
        changed("", "syncd_id", Integer.toString(legacy.syncdId()), Integer.toString(defaults.syncdId()));
        Timeouts timeouts = config.timeouts();
        seconds("", "tcp_timeout", timeouts.tcp(), Duration.ZERO);
        seconds("", "tcpfin_timeout", timeouts.tcpFin(), Duration.ZERO);
        seconds("", "udp_timeout", timeouts.udp(), Duration.ZERO);
        changed("", "hard_shutdown", bool(legacy.hardShutdown()), bool(defaults.hardShutdown()));
        text("", "heartbeat_key", pair.heartbeatKey());
        text("", "heartbeat_key_file", pair.heartbeatKeyFile().map(Object::toString));
        changed("", "failback", bool(pair.failback()), bool(false));
        seconds("", "failback_delay", pair.failbackDelay(), RouterPair.DEFAULT_FAILBACK_DELAY);
        DaemonSettings daemon = config.daemon();
        changed("", "engine", daemon.engine().lvsName(), DaemonSettings.DEFAULT.engine().lvsName());
        changed("", "state_dir", token(daemon.stateDir().toString()),
                token(DaemonSettings.DEFAULT_STATE_DIR.toString()));
        changed("", "control_socket", token(daemon.controlSocket().toString()),
                token(DaemonSettings.defaultControlSocket(daemon.stateDir()).toString()));
        changed("", "pid_file", token(daemon.pidFile().toString()),
                token(DaemonSettings.defaultPidFile(daemon.stateDir()).toString()));
        changed("", "admin_listen", daemon.adminListen().map(a -> AddressText.withPort(a.getAddress(), a.getPort()))
                .orElse("none"), AddressText.withPort(DaemonSettings.DEFAULT_ADMIN_LISTEN.getAddress(),
                DaemonSettings.DEFAULT_ADMIN_LISTEN.getPort()));
        text("", "admin_users", daemon.adminUsers().map(path -> path.toString()));
    }

    private void virtual(VirtualServer virtual) {
        String in = KEY_INDENT;
        out.append('\n').append("virtual ").append(token(virtual.name())).append(" {\n");
        key(in, "active", bool(virtual.active()));
        key(in, "address", AddressText.of(virtual.address()) + virtual.device().map(d -> " " + token(d)).orElse(""));
        netmask(in, "vip_nmask", virtual.vipPrefix(), virtual.address());
        changed(in, "fwmark", Integer.toString(virtual.fwmark()), "0");
        if (!virtual.fwmarkPorts().isEmpty()) {
            key(in, "fwmark_ports", PortRuns.text(virtual.fwmarkPorts()));
        }
        key(in, "port", Integer.toString(virtual.port()));
        key(in, "protocol", virtual.protocol().lvsName());
        key(in, "scheduler", virtual.scheduler().lvsName());
        if (!virtual.schedulerFlags().isEmpty()) {
            key(in, "scheduler_flags", virtual.sortedSchedulerFlags().stream().map(SchedulerFlag::lvsName)
                    .collect(Collectors.joining(" ")));
        }
        changed(in, "persistent", Integer.toString(virtual.persistence().timeoutSeconds()), "0");
        netmask(in, "pmask", virtual.persistence().prefixLength(), virtual.address());
        virtual.sorryServer().ifPresent(sorry -> key(in, "sorry_server", sorry.port() == virtual.port()
                ? AddressText.of(sorry.address()) : AddressText.withPort(sorry.address(), sorry.port())));
        health(virtual.health());
        proxy(virtual.proxy());
        LegacyVirtualKeys legacy = virtual.legacy();
        command(in, "client_monitor", legacy.clientMonitor());
        command(in, "start_cmd", legacy.startCmd());
        command(in, "stop_cmd", legacy.stopCmd());
        command(in, "master", legacy.master());
        command(in, "dirs", legacy.dirs());
        for (RealServer server : virtual.realServers()) {
            server(server, virtual.port());
        }
        out.append("}\n");
    }

    private void health(HealthCheck health) {
        String in = KEY_INDENT;
        HealthCheck defaults = HealthCheck.DEFAULT;
        escaped(in, "send", health.send());
        escaped(in, "expect", health.expect());
        changed(in, "use_regex", bool(health.useRegex()), bool(false));
        command(in, "send_program", health.sendProgram());
        key(in, "timeout", Integer.toString(health.timeoutSeconds()));
        key(in, "reentry", Integer.toString(health.reentrySeconds()));
        changed(in, "quiesce_server", bool(health.quiesceServer()), bool(false));
        changed(in, "load_monitor", health.loadMonitor().lvsName(), LoadMonitor.NONE.lvsName());
        changed(in, "check", health.type().lvsName(), HealthCheck.defaultType(health.sendProgram()).lvsName());
        changed(in, "check_path", token(health.path()), token(defaults.path()));
        changed(in, "check_status", statuses(health.statuses()), statuses(defaults.statuses()));
        text(in, "check_host", health.host());
        health.port().ifPresent(port -> key(in, "check_port", Integer.toString(port)));
        seconds(in, "check_interval", health.interval(), Duration.ofSeconds(health.timeoutSeconds()));
        changed(in, "rise", Integer.toString(health.rise()),
                Integer.toString(HealthCheck.defaultRise(health.timeoutSeconds(), health.reentrySeconds())));
        changed(in, "fall", Integer.toString(health.fall()), Integer.toString(defaults.fall()));
    }

    private void proxy(ProxySettings proxy) {
        ProxySettings defaults = ProxySettings.DEFAULT;
        seconds(KEY_INDENT, "connect_timeout", proxy.connectTimeout(), defaults.connectTimeout());
        changed(KEY_INDENT, "connect_retries", Integer.toString(proxy.connectRetries()),
                Integer.toString(defaults.connectRetries()));
        seconds(KEY_INDENT, "drain_timeout", proxy.drainTimeout(), defaults.drainTimeout());
        changed(KEY_INDENT, "proxy_protocol", proxy.proxyProtocol().lvsName(), defaults.proxyProtocol().lvsName());
        changed(KEY_INDENT, "accept_proxy_protocol", bool(proxy.acceptProxyProtocol()), bool(false));
        if (!proxy.acceptProxyFrom().isEmpty()) {
            key(KEY_INDENT, "accept_proxy_from",
                    proxy.acceptProxyFrom().stream().map(AddressPrefix::text).collect(Collectors.joining(" ")));
        }
    }

    private void server(RealServer server, int virtualPort) {
        String in = SERVER_KEY_INDENT;
        out.append('\n').append(KEY_INDENT).append("server ").append(token(server.name())).append(" {\n");
        key(in, "address", AddressText.of(server.address()));
        key(in, "active", bool(server.active()));
        key(in, "weight", Integer.toString(server.weight()));
        changed(in, "port", Integer.toString(server.port()), Integer.toString(virtualPort));
        changed(in, "u_threshold", Integer.toString(server.uThreshold()), "0");
        changed(in, "l_threshold", Integer.toString(server.lThreshold()), "0");
        out.append(KEY_INDENT).append("}\n");
    }

    private void failover(FailoverService failover) {
        String in = KEY_INDENT;
        out.append('\n').append("failover ").append(token(failover.name())).append(" {\n");
        key(in, "active", bool(failover.active()));
        key(in, "address", AddressText.of(failover.address()) + failover.device().map(d -> " " + token(d)).orElse(""));
        netmask(in, "vip_nmask", failover.vipPrefix(), failover.address());
        key(in, "port", Integer.toString(failover.port()));
        escaped(in, "send", failover.send());
        escaped(in, "expect", failover.expect());
        key(in, "timeout", Integer.toString(failover.timeoutSeconds()));
        key(in, "reentry", Integer.toString(failover.reentrySeconds()));
        command(in, "start_cmd", failover.startCmd());
        command(in, "stop_cmd", failover.stopCmd());
        out.append("}\n");
    }

    private void key(String indent, String key, String value) {
        out.append(indent).append(key).append(" = ").append(value).append('\n');
    }

    private void changed(String indent, String key, String value, String otherwise) {
        if (!value.equals(otherwise)) {
            key(indent, key, value);
        }
    }

    private void seconds(String indent, String key, Duration value, Duration otherwise) {
        changed(indent, key, Seconds.text(value), Seconds.text(otherwise));
    }

    private void address(String indent, String key, Optional<InetAddress> address) {
        address.ifPresent(a -> key(indent, key, AddressText.of(a)));
    }

    private void text(String indent, String key, Optional<String> text) {
        text.ifPresent(t -> key(indent, key, token(t)));
    }

    private void escaped(String indent, String key, Optional<String> text) {
        text.ifPresent(t -> key(indent, key, "\"" + Escapes.escape(t) + "\""));
    }

    /** A command is the rest of its line: written as is when that reads back the same, else quoted. */
    private void command(String indent, String key, Optional<String> command) {
        command.ifPresent(c -> key(indent, key, readsBackAsCommand(c) ? c : quoted(c)));
    }

    /** Dotted quad for IPv4 (as Piranha wrote it), {@code /N} for IPv6. */
    private void netmask(String indent, String key, OptionalInt prefix, InetAddress family) {
        if (prefix.isEmpty()) {
            return;
        }
        int bits = prefix.getAsInt();
        if (family instanceof Inet6Address) {
            key(indent, key, "/" + bits);
            return;
        }
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        key(indent, key, (mask >>> 24) + "." + ((mask >>> 16) & 0xff) + "." + ((mask >>> 8) & 0xff) + "." + (mask & 0xff));
    }

    private static String bool(boolean value) {
        return value ? "1" : "0";
    }

    private static String statuses(List<StatusRange> statuses) {
        return statuses.stream().map(StatusRange::toString).collect(Collectors.joining(","));
    }

    /** One token: bare when the lexer reads it back unchanged, otherwise quoted. */
    static String token(String text) {
        boolean bare = !text.isEmpty()
                && text.chars().noneMatch(c -> Character.isWhitespace(c) || c == '=')
                && "\"'#".indexOf(text.charAt(0)) < 0
                && !text.equals("{") && !text.equals("}");
        return bare ? text : quoted(text);
    }

    private static String quoted(String text) {
        for (char quote : new char[] {'"', '\''}) {
            if (fitsInQuotes(text, quote)) {
                return quote + text + quote;
            }
        }
        throw new IllegalArgumentException("cannot be written as one lvs.cf value: " + text);
    }

    /** Whether the lexer, which lets a backslash hide the next character, finds the closing quote at the end. */
    private static boolean fitsInQuotes(String text, char quote) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
                if (i == text.length()) {
                    return false;
                }
            } else if (c == quote || c == '\n' || c == '\r') {
                return false;
            }
        }
        return true;
    }

    private static boolean readsBackAsCommand(String command) {
        Diagnostics diagnostics = new Diagnostics("");
        List<Node> nodes = Parser.parse(Lexer.lex("k = " + command, diagnostics), diagnostics);
        return !diagnostics.hasErrors() && nodes.size() == 1
                && nodes.getFirst() instanceof Node.Assignment assignment && assignment.rest().equals(command);
    }
}
