package io.fulcrum.config;

import io.fulcrum.model.AddressPrefix;
import io.fulcrum.model.CheckType;
import io.fulcrum.model.EngineKind;
import io.fulcrum.model.Forwarding;
import io.fulcrum.model.LoadMonitor;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.ProxyProtocol;
import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import io.fulcrum.model.ServiceMode;
import io.fulcrum.model.StatusRange;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every key lvs.cf accepts, per scope, with how its value is read. The tables are the single
 * list of keys: binding, "did you mean" and "belongs in" all come from them.
 */
final class Keys {

    /** Reads one key's value. */
    @FunctionalInterface
    interface Reader {
        Object read(ValueReader value) throws BadValue;
    }

    static final Map<String, Reader> GLOBAL = new Table()
            .key("serial_no", v -> v.number(0, Long.MAX_VALUE))
            .key("primary", ValueReader::host)
            .key("primary_private", ValueReader::host)
            .key("primary_shared", ValueReader::word)
            .key("service", v -> v.choice(ServiceMode::byLvsName, names(ServiceMode.values(), ServiceMode::lvsName)))
            .key("backup_active", ValueReader::bool)
            .key("backup", ValueReader::host)
            .key("backup_private", ValueReader::host)
            .key("backup_shared", ValueReader::word)
            .key("heartbeat", ValueReader::bool)
            .key("heartbeat_port", ValueReader::port)
            .key("keepalive", ValueReader::seconds)
            .key("deadtime", ValueReader::seconds)
            .key("reservation_conflict_action", ValueReader::word)
            .key("rsh_command", ValueReader::word)
            .key("sync", ValueReader::bool)
            .key("network", v -> v.choice(Forwarding::byLvsName, names(Forwarding.values(), Forwarding::lvsName)))
            .key("nat_router", v -> v.addressDevice(true))
            .key("nat_nmask", ValueReader::netmask)
            .key("debug_level", ValueReader::word)
            .key("ipvsadm", ValueReader::word)
            .key("active_cmd", ValueReader::command)
            .key("inactive_cmd", ValueReader::command)
            .key("monitor_links", ValueReader::bool)
            .key("syncdaemon", ValueReader::bool)
            .key("syncd_iface", ValueReader::word)
            .key("syncd_id", v -> v.integer(0, 255))
            .key("tcp_timeout", ValueReader::wholeSeconds)
            .key("tcpfin_timeout", ValueReader::wholeSeconds)
            .key("udp_timeout", ValueReader::wholeSeconds)
            .key("hard_shutdown", ValueReader::bool)
            .key("heartbeat_key", ValueReader::word)
            .key("heartbeat_key_file", v -> Path.of(v.word()))
            .key("failback", ValueReader::bool)
            .key("failback_delay", ValueReader::seconds)
            .key("engine", v -> v.choice(EngineKind::byLvsName, names(EngineKind.values(), EngineKind::lvsName)))
            .key("state_dir", v -> Path.of(v.word()))
            .key("control_socket", v -> Path.of(v.word()))
            .key("pid_file", v -> Path.of(v.word()))
            .key("admin_listen", ValueReader::listenAddress)
            .key("admin_users", v -> Path.of(v.word()))
            .build();

    static final Map<String, Reader> VIRTUAL = new Table()
            .key("address", v -> v.addressDevice(false))
            .key("active", ValueReader::bool)
            .key("port", ValueReader::port)
            .key("protocol", v -> v.choice(Protocol::byLvsName, names(Protocol.values(), Protocol::lvsName)))
            .key("fwmark", v -> v.integer(0, Integer.MAX_VALUE))
            .key("vip_nmask", ValueReader::netmask)
            .key("sorry_server", ValueReader::sorryAddress)
            .key("scheduler", Keys::scheduler)
            .key("persistent", v -> v.integer(0, Integer.MAX_VALUE))
            .key("pmask", ValueReader::netmask)
            .key("send", ValueReader::escaped)
            .key("expect", ValueReader::escaped)
            .key("use_regex", ValueReader::bool)
            .key("send_program", ValueReader::command)
            .key("timeout", v -> v.integer(1, Integer.MAX_VALUE))
            .key("reentry", v -> v.integer(0, Integer.MAX_VALUE))
            .key("quiesce_server", ValueReader::bool)
            .key("load_monitor", v -> v.choice(LoadMonitor::byLvsName, names(LoadMonitor.values(), LoadMonitor::lvsName)))
            .key("client_monitor", ValueReader::command)
            .key("start_cmd", ValueReader::command)
            .key("stop_cmd", ValueReader::command)
            .key("master", ValueReader::command)
            .key("dirs", ValueReader::command)
            .key("scheduler_flags", Keys::schedulerFlags)
            .key("fwmark_ports", FwmarkPorts::read)
            .key("check", v -> v.choice(CheckType::byLvsName, names(CheckType.values(), CheckType::lvsName)))
            .key("check_path", Keys::checkPath)
            .key("check_status", Keys::statuses)
            .key("check_host", ValueReader::word)
            .key("check_port", ValueReader::port)
            .key("check_interval", ValueReader::seconds)
            .key("rise", v -> v.integer(1, Integer.MAX_VALUE))
            .key("fall", v -> v.integer(1, Integer.MAX_VALUE))
            .key("connect_timeout", ValueReader::seconds)
            .key("connect_retries", v -> v.integer(0, Integer.MAX_VALUE))
            .key("drain_timeout", ValueReader::seconds)
            .key("proxy_protocol", v -> v.choice(ProxyProtocol::byLvsName, names(ProxyProtocol.values(), ProxyProtocol::lvsName)))
            .key("accept_proxy_protocol", ValueReader::bool)
            .key("accept_proxy_from", Keys::prefixes)
            .build();

    static final Map<String, Reader> SERVER = new Table()
            .key("address", ValueReader::host)
            .key("active", ValueReader::bool)
            .key("weight", v -> v.integer(0, 65535))
            .key("port", ValueReader::port)
            .key("u_threshold", v -> v.integer(0, 65535))
            .key("l_threshold", v -> v.integer(0, 65535))
            .build();

    static final Map<String, Reader> FAILOVER = new Table()
            .key("address", v -> v.addressDevice(false))
            .key("vip_nmask", ValueReader::netmask)
            .key("active", ValueReader::bool)
            .key("port", ValueReader::port)
            .key("send", ValueReader::escaped)
            .key("expect", ValueReader::escaped)
            .key("timeout", v -> v.integer(1, Integer.MAX_VALUE))
            .key("reentry", v -> v.integer(0, Integer.MAX_VALUE))
            .key("start_cmd", ValueReader::command)
            .key("stop_cmd", ValueReader::command)
            .build();

    private Keys() {
    }

    static Map<String, Reader> of(Scope.Kind kind) {
        return switch (kind) {
            case GLOBAL -> GLOBAL;
            case VIRTUAL -> VIRTUAL;
            case SERVER -> SERVER;
            case FAILOVER -> FAILOVER;
        };
    }

    private static SchedulerKind scheduler(ValueReader value) throws BadValue {
        String name = value.word();
        return SchedulerKind.byLvsName(name.toLowerCase(Locale.ROOT)).orElseThrow(() -> new BadValue(
                "unknown scheduler `" + name + "`; valid: " + String.join(", ", SchedulerKind.lvsNames())));
    }

    private static List<SchedulerFlag> schedulerFlags(ValueReader value) throws BadValue {
        List<SchedulerFlag> flags = new ArrayList<>();
        for (String name : value.list()) {
            flags.add(SchedulerFlag.byLvsName(name).orElseThrow(() -> new BadValue("unknown flag `" + name
                    + "`; valid: " + String.join(", ", names(SchedulerFlag.values(), SchedulerFlag::lvsName)))));
        }
        return flags;
    }

    /** Address literals, each with an optional prefix length: {@code 10.0.0.1 10.0.0.2/31 2001:db8::/64}. */
    private static List<AddressPrefix> prefixes(ValueReader value) throws BadValue {
        List<AddressPrefix> prefixes = new ArrayList<>();
        for (String text : value.list()) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            InetAddress address = ValueReader.literal(host)
                    .orElseThrow(() -> new BadValue("`" + host + "` is not an IP address"));
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String digits = text.substring(slash + 1);
                if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > bits) {
                    throw new BadValue("bad prefix length in `" + text + "`: 0.." + bits);
                }
                prefix = Integer.parseInt(digits);
            }
            if (AddressPrefix.hostBitsSet(address.getAddress(), prefix)) {
                throw new BadValue("`" + text + "` has bits set beyond its prefix length");
            }
            prefixes.add(new AddressPrefix(address, prefix));
        }
        return prefixes;
    }

    private static String checkPath(ValueReader value) throws BadValue {
        String path = value.word();
        if (!path.startsWith("/")) {
            throw new BadValue("`" + path + "` must start with /");
        }
        return path;
    }

    /** {@code 200}, {@code 200,204}, {@code 200-299}, or a mix. */
    private static List<StatusRange> statuses(ValueReader value) throws BadValue {
        List<StatusRange> ranges = new ArrayList<>();
        for (String text : value.list()) {
            int dash = text.indexOf('-', 1);
            int from = status(dash < 0 ? text : text.substring(0, dash));
            int to = dash < 0 ? from : status(text.substring(dash + 1));
            if (to < from) {
                throw new BadValue("range `" + text + "` ends before it starts");
            }
            ranges.add(new StatusRange(from, to));
        }
        return ranges;
    }

    private static int status(String text) throws BadValue {
        long status = ValueReader.parseNumber(text);
        if (status < 100 || status > 599) {
            throw new BadValue(status + " is outside 100..599");
        }
        return (int) status;
    }

    private static <E> List<String> names(E[] values, Function<E, String> name) {
        return Arrays.stream(values).map(name).toList();
    }

    /** Builds a key table in documentation order. */
    private static final class Table {
        private final Map<String, Reader> keys = new LinkedHashMap<>();

        Table key(String key, Reader reader) {
            keys.put(key, reader);
            return this;
        }

        Map<String, Reader> build() {
            return Collections.unmodifiableMap(keys);
        }
    }
}
