package io.fulcrum.config;

import io.fulcrum.config.ValueReader.AddressDevice;
import io.fulcrum.config.ValueReader.SorryAddress;
import io.fulcrum.model.AddressPrefix;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.CheckType;
import io.fulcrum.model.Config;
import io.fulcrum.model.DaemonSettings;
import io.fulcrum.model.EngineKind;
import io.fulcrum.model.FailoverService;
import io.fulcrum.model.Forwarding;
import io.fulcrum.model.HealthCheck;
import io.fulcrum.model.LegacyGlobals;
import io.fulcrum.model.LegacyVirtualKeys;
import io.fulcrum.model.LoadMonitor;
import io.fulcrum.model.NatRouter;
import io.fulcrum.model.Persistence;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.ProxyProtocol;
import io.fulcrum.model.ProxySettings;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.RouterPair;
import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import io.fulcrum.model.ServiceMode;
import io.fulcrum.model.SorryServer;
import io.fulcrum.model.StatusRange;
import io.fulcrum.model.Timeouts;
import io.fulcrum.model.VirtualServer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns the bound scopes into a {@link Config}: applies Piranha's defaults, checks each block on
 * its own, then the relations between blocks ({@link Clashes}). Every problem is reported; the
 * config exists only when none is an error.
 */
final class Validator {

    /** The size of IPVS's Maglev lookup table; mh cannot place more real servers than slots. */
    static final int MH_TABLE_SIZE = 4093;

    private static final Set<String> HTTP_ONLY_KEYS = Set.of("check_path", "check_status", "check_host");

    /**
     * The schedulers that choose by the connection's destination address: under the proxy engine
     * that is the VIP for every connection, so they no longer spread load (docs/lvs.cf.md).
     */
    private static final Map<SchedulerKind, String> DESTINATION_SCHEDULERS = Map.of(
            SchedulerKind.DH, "hashes the destination address, which under the proxy engine is always the VIP:"
                    + " every connection goes to the same real server (sh spreads clients by their address)",
            SchedulerKind.LBLC, "keeps one real server per destination address, which under the proxy engine is"
                    + " always the VIP: every connection goes to that one real server until it is overloaded",
            SchedulerKind.LBLCR, "keeps a set of real servers per destination address, which under the proxy engine"
                    + " is always the VIP: one set takes every connection, and grows only when its members are"
                    + " overloaded");

    private final Diagnostics diagnostics;

    private Validator(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    static Optional<Config> validate(Binder.Bound bound, Diagnostics diagnostics) {
        return new Validator(diagnostics).config(bound);
    }

    private Optional<Config> config(Binder.Bound bound) {
        Scope globals = bound.globals();
        ServiceMode service = globals.get("service", ServiceMode.class, ServiceMode.LVS);
        if (service == ServiceMode.FOS) {
            diagnostics.errorMessage(globals.lineOf("service"), "service",
                    "Fulcrum does not run failover services (service = fos); use service = lvs with virtual"
                            + " servers (failover blocks are kept but not run)");
        } else if (bound.virtuals().stream().noneMatch(v -> v.get("active", Boolean.class, false))) {
            diagnostics.errorMessage(0, "active",
                    "no active virtual server: set `active = 1` in at least one virtual block");
        }
        RouterPair routerPair = routerPair(globals);
        Forwarding network = globals.get("network", Forwarding.class, Forwarding.NAT);
        Optional<NatRouter> natRouter = natRouter(globals, network);
        LegacyGlobals legacy = legacy(globals);
        DaemonSettings daemon = daemon(globals);
        daemon.adminListen().filter(listen -> !listen.getAddress().isLoopbackAddress()).ifPresent(listen ->
                diagnostics.error(globals.lineOf("admin_listen"), "admin_listen", AddressText.withPort(
                        listen.getAddress(), listen.getPort()) + " is not a loopback address: the API has no TLS yet,"
                        + " and its passwords must not cross a network in clear; use 127.0.0.1:PORT or [::1]:PORT"
                        + " (behind a TLS proxy for remote use), or none"));
        if (daemon.engine() == EngineKind.NFT) {
            diagnostics.error(globals.lineOf("engine"), "engine",
                    "nft: the nftables engine does not exist yet; use engine = proxy (the default)");
        }
        List<VirtualServer> virtuals = new ArrayList<>();
        for (Scope virtual : bound.virtuals()) {
            virtual(virtual, routerPair.backupActive(), daemon.engine()).ifPresent(virtuals::add);
        }
        List<FailoverService> failovers = new ArrayList<>();
        for (Scope failover : bound.failovers()) {
            failover(failover).ifPresent(failovers::add);
        }
        Clashes.check(bound, natRouter.map(n -> new Clashes.Placement(n.address(), n.device(), "nat_router",
                globals.lineOf("nat_router"))), diagnostics);
        if (diagnostics.hasErrors()) {
            return Optional.empty();
        }
        return Optional.of(new Config(globals.get("serial_no", Long.class, 0L), service, routerPair, network,
                natRouter, timeouts(globals), legacy, daemon, virtuals, failovers));
    }

    private RouterPair routerPair(Scope globals) {
        boolean backupActive = globals.get("backup_active", Boolean.class, false);
        if (backupActive && globals.isMissing("backup")) {
            diagnostics.warning(globals.lineOf("backup_active"), "backup_active",
                    "no `backup` router is given, so backup_active is cleared");
            backupActive = false;
        }
        if (backupActive && globals.isMissing("primary")) {
            diagnostics.error(globals.lineOf("backup_active"), "primary", "required when backup_active = 1");
        }
        Duration keepalive = globals.get("keepalive", Duration.class, RouterPair.DEFAULT_KEEPALIVE);
        // without a deadtime, three lost heartbeats make the partner dead, whatever the keepalive
        Duration deadtime = globals.get("deadtime", Duration.class,
                keepalive.multipliedBy(RouterPair.DEFAULT_DEADTIME.dividedBy(RouterPair.DEFAULT_KEEPALIVE)));
        if (keepalive.isZero()) {
            diagnostics.error(globals.lineOf("keepalive"), "keepalive", "must be greater than 0");
        } else if (backupActive && deadtime.compareTo(keepalive) <= 0) {
            // a standalone router sends no heartbeat and waits for none, as pulse did
            String key = globals.has("deadtime") ? "deadtime" : "keepalive";
            diagnostics.error(globals.lineOf(key), key, "deadtime (" + Seconds.text(deadtime)
                    + ") must be greater than keepalive (" + Seconds.text(keepalive) + ")");
        }
        if (globals.has("heartbeat_key") && globals.has("heartbeat_key_file")) {
            String later = globals.lineOf("heartbeat_key") > globals.lineOf("heartbeat_key_file")
                    ? "heartbeat_key" : "heartbeat_key_file";
            diagnostics.error(globals.lineOf(later), later, "set heartbeat_key or heartbeat_key_file, not both");
        }
        globals.get("heartbeat_key", String.class).ifPresent(key -> heartbeatKey(globals.lineOf("heartbeat_key"), key));
        return new RouterPair(
                globals.get("primary", InetAddress.class),
                globals.get("primary_private", InetAddress.class),
                globals.get("backup", InetAddress.class),
                globals.get("backup_private", InetAddress.class),
                backupActive,
                globals.get("heartbeat", Boolean.class, false),
                globals.get("heartbeat_port", Integer.class, RouterPair.DEFAULT_HEARTBEAT_PORT),
                keepalive,
                deadtime,
                globals.get("monitor_links", Boolean.class, false),
                globals.get("active_cmd", String.class),
                globals.get("inactive_cmd", String.class),
                globals.get("heartbeat_key", String.class),
                globals.get("heartbeat_key_file", Path.class),
                globals.get("failback", Boolean.class, false),
                globals.get("failback_delay", Duration.class, RouterPair.DEFAULT_FAILBACK_DELAY));
    }

    private void heartbeatKey(int line, String key) {
        int bytes = key.strip().getBytes(StandardCharsets.UTF_8).length;
        if (bytes < RouterPair.MIN_HEARTBEAT_KEY_BYTES) {
            diagnostics.error(line, "heartbeat_key", bytes + " bytes, fewer than " + RouterPair.MIN_HEARTBEAT_KEY_BYTES
                    + ": set a long random secret (openssl rand -hex 32)");
        } else {
            diagnostics.warning(line, "heartbeat_key", "whoever can read lvs.cf can forge heartbeats; put the key in"
                    + " heartbeat_key_file, a file only its owner can read");
        }
    }

    private Optional<NatRouter> natRouter(Scope globals, Forwarding network) {
        Optional<AddressDevice> router = globals.get("nat_router", AddressDevice.class);
        if (router.isEmpty()) {
            // Piranha's GUI writes nat_nmask whatever the network type, so its files carry one alone
            if (globals.has("nat_nmask")) {
                diagnostics.warning(globals.lineOf("nat_nmask"), "nat_nmask", "not used without nat_router");
            }
            return Optional.empty();
        }
        if (network != Forwarding.NAT) {
            diagnostics.warning(globals.lineOf("nat_router"), "nat_router",
                    "not used with network = " + network.lvsName());
        }
        InetAddress address = router.get().address();
        return Optional.of(new NatRouter(address, router.get().device().orElseThrow(),
                prefix(globals, "nat_nmask", address)));
    }

    private Optional<VirtualServer> virtual(Scope virtual, boolean backupActive, EngineKind engine) {
        int port = virtual.get("port", Integer.class, VirtualServer.DEFAULT_PORT);
        Protocol protocol = virtual.get("protocol", Protocol.class, Protocol.TCP);
        boolean active = virtual.get("active", Boolean.class, false);
        int fwmark = virtual.get("fwmark", Integer.class, 0);
        List<Integer> fwmarkPorts = virtual.list("fwmark_ports", Integer.class);
        if (!fwmarkPorts.isEmpty() && fwmark == 0) {
            diagnostics.error(virtual.lineOf("fwmark_ports"), "fwmark_ports", "needs fwmark");
        }
        if (active && engine == EngineKind.PROXY && fwmark != 0 && fwmarkPorts.isEmpty()) {
            diagnostics.warning(virtual.lineOf("fwmark"), "fwmark", fwmark + ": the proxy engine cannot see marks and"
                    + " listens on the fwmark_ports, but none are given: nothing listens for " + virtual.label());
        }
        SchedulerKind scheduler = virtual.get("scheduler", SchedulerKind.class, SchedulerKind.DEFAULT);
        Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        for (SchedulerFlag flag : virtual.list("scheduler_flags", SchedulerFlag.class)) {
            if (flag.scheduler() != scheduler) {
                diagnostics.error(virtual.lineOf("scheduler_flags"), "scheduler_flags", "`" + flag.lvsName()
                        + "` needs scheduler = " + flag.scheduler().lvsName() + ", not " + scheduler.lvsName());
            }
            flags.add(flag);
        }
        if (engine == EngineKind.PROXY && DESTINATION_SCHEDULERS.containsKey(scheduler)) {
            diagnostics.warning(virtual.lineOf("scheduler"), "scheduler", scheduler.lvsName() + " "
                    + DESTINATION_SCHEDULERS.get(scheduler));
        }
        if (scheduler == SchedulerKind.MH && virtual.servers.size() > MH_TABLE_SIZE) {
            diagnostics.error(virtual.lineOf("scheduler"), "scheduler", "mh places at most " + MH_TABLE_SIZE
                    + " real servers, " + virtual.label() + " has " + virtual.servers.size());
        }
        HealthCheck health = health(virtual, protocol);
        List<RealServer> servers = new ArrayList<>();
        for (Scope server : virtual.servers) {
            realServer(server, port).ifPresent(servers::add);
        }
        Optional<AddressDevice> address = virtual.get("address", AddressDevice.class);
        if (address.isEmpty()) {
            if (virtual.isMissing("address")) {
                diagnostics.error(virtual.line, "address", "missing in " + virtual.label());
            }
            return Optional.empty();
        }
        if (virtual.name.isEmpty()) {
            return Optional.empty();
        }
        InetAddress vip = address.get().address();
        if (backupActive && address.get().device().isEmpty()) {
            diagnostics.warning(virtual.lineOf("address"), "address", "no device for " + AddressText.of(vip)
                    + ": Fulcrum cannot bring the VIP up when this router takes over (write `address = IP DEVICE`)");
        }
        int persistent = virtual.get("persistent", Integer.class, 0);
        if (persistent == 0 && virtual.has("pmask")) {
            diagnostics.warning(virtual.lineOf("pmask"), "pmask", "not used without persistent");
        }
        OptionalInt clientPrefix = prefix(virtual, "pmask", vip);
        int hostPrefix = vip instanceof Inet6Address ? 128 : 32;
        if (clientPrefix.isPresent() && clientPrefix.getAsInt() == hostPrefix) {
            clientPrefix = OptionalInt.empty();
        }
        Optional<SorryServer> sorry = virtual.get("sorry_server", SorryAddress.class)
                .map(s -> new SorryServer(s.address(), s.port().orElse(port)));
        return Optional.of(new VirtualServer(virtual.name, active, vip,
                address.get().device(), prefix(virtual, "vip_nmask", vip), port, protocol, fwmark, fwmarkPorts,
                scheduler, flags, new Persistence(persistent, clientPrefix), sorry, health, proxy(virtual, protocol),
                new LegacyVirtualKeys(virtual.get("client_monitor", String.class),
                        virtual.get("start_cmd", String.class), virtual.get("stop_cmd", String.class),
                        virtual.get("master", String.class), virtual.get("dirs", String.class)),
                servers));
    }

    private HealthCheck health(Scope virtual, Protocol protocol) {
        Optional<String> sendProgram = virtual.get("send_program", String.class);
        CheckType type = virtual.get("check", CheckType.class, HealthCheck.defaultType(sendProgram));
        if (type == CheckType.PROGRAM && sendProgram.isEmpty()) {
            diagnostics.error(virtual.lineOf("check"), "check", "program needs send_program");
        }
        if ((type == CheckType.HTTP || type == CheckType.HTTPS) && protocol == Protocol.UDP) {
            diagnostics.error(virtual.lineOf("check"), "check", type.lvsName() + " needs protocol = tcp");
        }
        Optional<String> send = virtual.get("send", String.class).filter(s -> !s.isEmpty());
        Optional<String> expect = virtual.get("expect", String.class).filter(s -> !s.isEmpty());
        boolean useRegex = virtual.get("use_regex", Boolean.class, false);
        if (useRegex && expect.isPresent()) {
            try {
                Pattern.compile(expect.get());
            } catch (PatternSyntaxException bad) {
                diagnostics.error(virtual.lineOf("expect"), "expect",
                        "not a valid regular expression: " + bad.getDescription());
            }
        }
        unused(virtual, "send_program", sendProgram.isPresent() && type != CheckType.PROGRAM, type);
        unused(virtual, "send", send.isPresent() && type != CheckType.TCP, type);
        unused(virtual, "expect", expect.isPresent() && type != CheckType.TCP && type != CheckType.PROGRAM, type);
        if (type != CheckType.HTTP && type != CheckType.HTTPS) {
            HTTP_ONLY_KEYS.stream().filter(virtual::has).forEach(key -> diagnostics.warning(virtual.lineOf(key),
                    key, "only used with check = http or https"));
        }
        LoadMonitor loadMonitor = virtual.get("load_monitor", LoadMonitor.class, LoadMonitor.NONE);
        if (loadMonitor != LoadMonitor.NONE) {
            diagnostics.warning(virtual.lineOf("load_monitor"), "load_monitor", loadMonitor.lvsName()
                    + ": dynamic weights are not implemented yet; weights stay as configured");
        }
        int timeout = virtual.get("timeout", Integer.class, HealthCheck.DEFAULT_TIMEOUT);
        int reentry = virtual.get("reentry", Integer.class, HealthCheck.DEFAULT_REENTRY);
        Duration interval = positive(virtual, "check_interval", Duration.ofSeconds(timeout));
        return new HealthCheck(type, send, expect, useRegex, sendProgram, timeout, reentry,
                virtual.get("quiesce_server", Boolean.class, false), loadMonitor,
                virtual.get("check_path", String.class, HealthCheck.DEFAULT.path()),
                virtual.has("check_status")
                        ? virtual.list("check_status", StatusRange.class) : HealthCheck.DEFAULT.statuses(),
                virtual.get("check_host", String.class),
                virtual.get("check_port", Integer.class).map(OptionalInt::of).orElse(OptionalInt.empty()),
                interval,
                virtual.get("rise", Integer.class, HealthCheck.defaultRise(timeout, reentry)),
                virtual.get("fall", Integer.class, HealthCheck.DEFAULT.fall()));
    }

    private void unused(Scope virtual, String key, boolean unused, CheckType type) {
        if (unused) {
            diagnostics.warning(virtual.lineOf(key), key, "not used with check = " + type.lvsName());
        }
    }

    private ProxySettings proxy(Scope virtual, Protocol protocol) {
        ProxyProtocol proxyProtocol = virtual.get("proxy_protocol", ProxyProtocol.class, ProxyProtocol.OFF);
        boolean accept = virtual.get("accept_proxy_protocol", Boolean.class, false);
        List<AddressPrefix> fronts = virtual.list("accept_proxy_from", AddressPrefix.class);
        if (accept && virtual.isMissing("accept_proxy_from")) {
            diagnostics.error(virtual.lineOf("accept_proxy_protocol"), "accept_proxy_protocol",
                    "needs accept_proxy_from: the addresses of the front balancers trusted to name the client");
        }
        if (!accept && !fronts.isEmpty()) {
            diagnostics.warning(virtual.lineOf("accept_proxy_from"), "accept_proxy_from",
                    "not used without accept_proxy_protocol = 1");
        }
        if (protocol == Protocol.UDP && proxyProtocol != ProxyProtocol.OFF) {
            diagnostics.error(virtual.lineOf("proxy_protocol"), "proxy_protocol", "needs protocol = tcp");
        }
        if (protocol == Protocol.UDP && accept) {
            diagnostics.error(virtual.lineOf("accept_proxy_protocol"), "accept_proxy_protocol", "needs protocol = tcp");
        }
        return new ProxySettings(
                positive(virtual, "connect_timeout", ProxySettings.DEFAULT.connectTimeout()),
                virtual.get("connect_retries", Integer.class, ProxySettings.DEFAULT.connectRetries()),
                virtual.get("drain_timeout", Duration.class, ProxySettings.DEFAULT.drainTimeout()),
                proxyProtocol, accept, fronts);
    }

    private Duration positive(Scope scope, String key, Duration otherwise) {
        Duration value = scope.get(key, Duration.class, otherwise);
        if (value.isZero()) {
            diagnostics.error(scope.lineOf(key), key, "must be greater than 0");
        }
        return value;
    }

    private Optional<RealServer> realServer(Scope server, int virtualPort) {
        int uThreshold = server.get("u_threshold", Integer.class, 0);
        int lThreshold = server.get("l_threshold", Integer.class, 0);
        if (lThreshold != 0 && lThreshold > uThreshold) {
            diagnostics.error(server.lineOf("l_threshold"), "l_threshold",
                    lThreshold + " must not be above u_threshold (" + uThreshold + ")");
        }
        Optional<InetAddress> address = server.get("address", InetAddress.class);
        if (address.isEmpty()) {
            if (server.isMissing("address")) {
                diagnostics.error(server.line, "address", "missing in " + server.label());
            }
            return Optional.empty();
        }
        if (server.name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RealServer(server.name, address.get(), server.get("active", Boolean.class, false),
                server.get("weight", Integer.class, RealServer.DEFAULT_WEIGHT),
                server.get("port", Integer.class, virtualPort), uThreshold, lThreshold));
    }

    private Optional<FailoverService> failover(Scope failover) {
        Optional<AddressDevice> address = failover.get("address", AddressDevice.class);
        if (address.isEmpty()) {
            if (failover.isMissing("address")) {
                diagnostics.error(failover.line, "address", "missing in " + failover.label());
            }
            return Optional.empty();
        }
        if (failover.name.isEmpty()) {
            return Optional.empty();
        }
        InetAddress vip = address.get().address();
        return Optional.of(new FailoverService(failover.name, vip, address.get().device(),
                prefix(failover, "vip_nmask", vip), failover.get("active", Boolean.class, false),
                failover.get("port", Integer.class, VirtualServer.DEFAULT_PORT),
                failover.get("send", String.class).filter(s -> !s.isEmpty()),
                failover.get("expect", String.class).filter(s -> !s.isEmpty()),
                failover.get("timeout", Integer.class, HealthCheck.DEFAULT_TIMEOUT),
                failover.get("reentry", Integer.class, HealthCheck.DEFAULT_REENTRY),
                failover.get("start_cmd", String.class), failover.get("stop_cmd", String.class)));
    }

    /** A netmask key as a prefix length, checked against the address family it applies to. */
    private OptionalInt prefix(Scope scope, String key, InetAddress address) {
        Optional<Integer> prefix = scope.get(key, Integer.class);
        if (prefix.isEmpty()) {
            return OptionalInt.empty();
        }
        if (prefix.get() == 0 && !key.equals("pmask")) {
            // pulse left a zero vip_nmask or nat_nmask out of its ifconfig call: not given, never a /0
            return OptionalInt.empty();
        }
        if (!(address instanceof Inet6Address) && prefix.get() > 32) {
            diagnostics.error(scope.lineOf(key), key, "bad netmask /" + prefix.get() + " for the IPv4 address "
                    + AddressText.of(address));
            return OptionalInt.empty();
        }
        return OptionalInt.of(prefix.get());
    }

    private static Timeouts timeouts(Scope globals) {
        return new Timeouts(
                globals.get("tcp_timeout", Duration.class, Duration.ZERO),
                globals.get("tcpfin_timeout", Duration.class, Duration.ZERO),
                globals.get("udp_timeout", Duration.class, Duration.ZERO));
    }

    private LegacyGlobals legacy(Scope globals) {
        LegacyGlobals d = LegacyGlobals.DEFAULT;
        boolean syncdaemon = globals.get("syncdaemon", Boolean.class, d.syncdaemon());
        if (syncdaemon) {
            diagnostics.warning(globals.lineOf("syncdaemon"), "syncdaemon",
                    "ignored: Fulcrum has no connection sync daemon and nothing replaces it (its proxy"
                            + " holds each connection in user space); connections open through the active router"
                            + " are cut when the other router takes over, and their clients must reconnect");
        }
        return new LegacyGlobals(
                globals.get("rsh_command", String.class, d.rshCommand()),
                globals.get("sync", Boolean.class, d.sync()),
                globals.get("debug_level", String.class, d.debugLevel()),
                globals.get("ipvsadm", String.class, d.ipvsadm()),
                syncdaemon,
                globals.get("syncd_iface", String.class, d.syncdIface()),
                globals.get("syncd_id", Integer.class, d.syncdId()),
                globals.get("hard_shutdown", Boolean.class, d.hardShutdown()),
                globals.get("primary_shared", String.class),
                globals.get("backup_shared", String.class),
                globals.get("reservation_conflict_action", String.class));
    }

    static DaemonSettings daemon(Scope globals) {
        Path stateDir = globals.get("state_dir", Path.class, DaemonSettings.DEFAULT_STATE_DIR);
        EngineKind engine = globals.get("engine", EngineKind.class, EngineKind.PROXY);
        @SuppressWarnings("unchecked")
        Optional<InetSocketAddress> adminListen = globals.get("admin_listen", Optional.class,
                Optional.of(DaemonSettings.DEFAULT_ADMIN_LISTEN));
        return new DaemonSettings(
                engine,
                stateDir,
                globals.get("control_socket", Path.class, DaemonSettings.defaultControlSocket(stateDir)),
                globals.get("pid_file", Path.class, DaemonSettings.defaultPidFile(stateDir)),
                adminListen,
                globals.get("admin_users", Path.class));
    }
}
