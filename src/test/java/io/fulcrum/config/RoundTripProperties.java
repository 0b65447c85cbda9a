package io.fulcrum.config;

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

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

/** parse(write(c)) equals c for generated valid configs. */
class RoundTripProperties {

    @Test
    void writtenConfigsParseBackEqual() {
        qt().withExamples(300).forAll(configs()).checkAssert(config -> {
            String written = LvsConfig.write(config);
            ConfigResult result = LvsConfig.parse("written.cf", written);
            assertThat(result.errors()).as("errors in\n%s", written).isEmpty();
            assertThat(result.config()).as("written as\n%s", written).contains(config);
        });
    }

    @Test
    void escapingIsReversible() {
        qt().withExamples(100).forAll(payloads())
                .checkAssert(payload -> assertThat(Escapes.translate(Escapes.escape(payload))).isEqualTo(payload));
    }

    private static final Gen<Boolean> BOOLS = booleans().all();

    static Gen<String> payloads() {
        return strings("ab \\\"'\r\n\t#.dxn", 0, 20);
    }

    static Gen<Config> configs() {
        Gen<List<VirtualServer>> virtuals = integers().between(1, 4).flatMap(n -> in -> {
            List<VirtualServer> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                list.add(virtual(i).generate(in));
            }
            return list;
        });
        Gen<List<FailoverService>> failovers = integers().between(0, 2).flatMap(n -> in -> {
            List<FailoverService> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                list.add(failover(i).generate(in));
            }
            return list;
        });
        Gen<Optional<NatRouter>> natRouter = integers().between(-1, 32).zip(BOOLS,
                // a zero netmask means "not given", as pulse read it
                (prefix, present) -> present ? Optional.of(new NatRouter(v4(172, 16, 0, 1), "eth1:1",
                        prefix <= 0 ? OptionalInt.empty() : OptionalInt.of(prefix))) : Optional.empty());
        Gen<Long> serials = longs().between(0, Long.MAX_VALUE).mix(Generate.pick(List.of(0L, Long.MAX_VALUE)), 5);
        Gen<RouterPair> pairs = routerPair();
        Gen<Forwarding> networks = Generate.enumValues(Forwarding.class);
        Gen<Timeouts> timeouts = timeouts();
        Gen<LegacyGlobals> legacy = legacy();
        Gen<DaemonSettings> daemon = daemon();
        return in -> new Config(serials.generate(in), ServiceMode.LVS, pairs.generate(in), networks.generate(in),
                natRouter.generate(in), timeouts.generate(in), legacy.generate(in), daemon.generate(in),
                virtuals.generate(in), failovers.generate(in));
    }

    private static Gen<RouterPair> routerPair() {
        Gen<Integer> ports = ports();
        Gen<Long> millis = longs().between(1, 10_000);
        Gen<Optional<String>> commands = optional(commands(), 95);
        Gen<Integer> keyKinds = integers().between(0, 2);
        Gen<String> words = words();
        Gen<Duration> delays = durations(0);
        return in -> {
            PairDraft d = new PairDraft();
            d.primary = BOOLS.generate(in);
            d.privates = BOOLS.generate(in);
            d.backup = BOOLS.generate(in);
            d.backupActive = BOOLS.generate(in);
            d.heartbeat = BOOLS.generate(in);
            d.heartbeatPort = ports.generate(in);
            d.keepaliveMillis = millis.generate(in);
            d.extraDeadMillis = millis.generate(in);
            d.monitorLinks = BOOLS.generate(in);
            d.activeCmd = commands.generate(in);
            d.inactiveCmd = commands.generate(in);
            d.keyKind = keyKinds.generate(in);
            d.key = words.generate(in);
            d.failback = BOOLS.generate(in);
            d.failbackDelay = delays.generate(in);
            return d.build();
        };
    }

    private static Gen<Timeouts> timeouts() {
        Gen<Duration> whole = longs().between(0, 100_000).map(seconds -> Duration.ofSeconds(seconds));
        return whole.zip(whole, whole, Timeouts::new);
    }

    private static Gen<LegacyGlobals> legacy() {
        Gen<String> rsh = Generate.pick(List.of("rsh", "ssh", "ssh -x"));
        Gen<String> words = words();
        Gen<String> ipvsadm = Generate.pick(List.of("/sbin/ipvsadm", "/usr/sbin/ipvsadm"));
        Gen<String> iface = Generate.pick(List.of("eth0", "eth2", "bond0"));
        Gen<Integer> syncdId = integers().between(0, 255);
        Gen<Optional<String>> shared = optional(words(), 95);
        Gen<Optional<String>> reservation = optional(Generate.pick(List.of("nothing", "preempt")), 95);
        return in -> new LegacyGlobals(rsh.generate(in), BOOLS.generate(in), words.generate(in), ipvsadm.generate(in),
                BOOLS.generate(in), iface.generate(in), syncdId.generate(in), BOOLS.generate(in),
                shared.generate(in), shared.generate(in), reservation.generate(in));
    }

    private static Gen<DaemonSettings> daemon() {
        Gen<Path> dirs = Generate.pick(List.of("/run/fulcrum", "/run/fulcrum-b", "/tmp/a dir")).map(name -> Path.of(name));
        Gen<Optional<Path>> files = optional(Generate.pick(List.of("/run/x.sock", "/var/run/other")).map(name -> Path.of(name)), 95);
        // engine = nft is refused until the engine exists
        return Generate.constant(EngineKind.PROXY).zip(dirs, files, files,
                (engine, dir, socket, pid) -> new DaemonSettings(engine, dir,
                        socket.orElse(DaemonSettings.defaultControlSocket(dir)),
                        pid.orElse(DaemonSettings.defaultPidFile(dir))));
    }

    private static Gen<VirtualServer> virtual(int index) {
        Gen<Integer> vipPrefix = integers().between(-1, 128);
        Gen<Integer> ports = ports();
        Gen<Protocol> protocols = Generate.enumValues(Protocol.class);
        // fwmark_ports holds each port once and never port 0.
        Gen<List<Integer>> fwmarkPorts = lists().of(integers().between(1, 65535)).ofSizeBetween(0, 3)
                .map(list -> list.stream().distinct().toList());
        Gen<SchedulerKind> schedulers = Generate.enumValues(SchedulerKind.class);
        Gen<Set<SchedulerFlag>> flags = subsets(SchedulerFlag.class);
        Gen<Integer> persistent = integers().between(0, 3600);
        Gen<Integer> pmask = integers().between(-1, 127);
        Gen<Optional<Integer>> sorryPort = optional(ports(), 95);
        Gen<HealthCheck> health = health();
        Gen<ProxySettings> proxy = proxy();
        Gen<LegacyVirtualKeys> legacy = legacyVirtual();
        Gen<List<RealServer>> servers = lists().of(realServer()).ofSizeBetween(0, 4);
        return in -> {
            VirtualDraft d = new VirtualDraft(index);
            d.active = BOOLS.generate(in);
            d.ipv6 = BOOLS.generate(in);
            d.device = BOOLS.generate(in);
            d.vipPrefix = vipPrefix.generate(in);
            d.port = ports.generate(in);
            d.protocol = protocols.generate(in);
            d.fwmark = BOOLS.generate(in);
            d.fwmarkPorts = fwmarkPorts.generate(in);
            d.scheduler = schedulers.generate(in);
            d.flags = flags.generate(in);
            d.persistent = persistent.generate(in);
            d.pmask = pmask.generate(in);
            d.sorryPort = sorryPort.generate(in);
            d.health = health.generate(in);
            d.proxy = proxy.generate(in);
            d.legacy = legacy.generate(in);
            d.servers = servers.generate(in);
            return d.build();
        };
    }

    private static Gen<HealthCheck> health() {
        Gen<CheckType> types = Generate.enumValues(CheckType.class);
        Gen<Optional<String>> payloads = optional(payload(), 95);
        Gen<Optional<String>> commands = optional(commands(), 95);
        Gen<Integer> timeouts = integers().between(1, 120);
        Gen<Integer> reentries = integers().between(0, 600);
        Gen<LoadMonitor> loadMonitors = Generate.enumValues(LoadMonitor.class);
        Gen<String> paths = strings("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._", 0, 12)
                .map(s -> "/" + s);
        Gen<List<StatusRange>> statuses = lists().of(statusRange()).ofSizeBetween(1, 3);
        Gen<Optional<String>> hosts = optional(words(), 95);
        Gen<Optional<Integer>> ports = optional(ports(), 95);
        Gen<Optional<Duration>> intervals = optional(durations(1), 95);
        Gen<Optional<Integer>> rises = optional(integers().between(1, 20), 95);
        Gen<Integer> falls = integers().between(1, 5);
        return in -> {
            HealthDraft d = new HealthDraft();
            d.type = types.generate(in);
            d.send = payloads.generate(in);
            d.expect = payloads.generate(in);
            d.useRegex = BOOLS.generate(in);
            d.sendProgram = commands.generate(in);
            d.timeout = timeouts.generate(in);
            d.reentry = reentries.generate(in);
            d.quiesce = BOOLS.generate(in);
            d.loadMonitor = loadMonitors.generate(in);
            d.path = paths.generate(in);
            d.statuses = statuses.generate(in);
            d.host = hosts.generate(in);
            d.port = ports.generate(in);
            d.interval = intervals.generate(in);
            d.rise = rises.generate(in);
            d.fall = falls.generate(in);
            return d.build();
        };
    }

    private static Gen<ProxySettings> proxy() {
        return durations(1).zip(integers().between(0, 5), durations(0), ProxySettings::new);
    }

    private static Gen<LegacyVirtualKeys> legacyVirtual() {
        Gen<Optional<String>> command = optional(commands(), 20);
        return command.zip(command, command, command, command, LegacyVirtualKeys::new);
    }

    private static Gen<RealServer> realServer() {
        Gen<Integer> u16 = integers().between(0, 65535);
        return in -> {
            boolean active = BOOLS.generate(in);
            int weight = u16.generate(in);
            int port = u16.generate(in);
            int u = u16.generate(in);
            int l = u16.generate(in);
            return new RealServer("placeholder", v4(192, 168, 0, 1), active, weight, port, u, u == 0 ? 0 : Math.min(l, u));
        };
    }

    private static Gen<FailoverService> failover(int index) {
        Gen<Integer> prefixes = integers().between(-1, 32);
        Gen<Integer> ports = ports();
        Gen<Optional<String>> payloads = optional(payload(), 95);
        Gen<Integer> timeouts = integers().between(1, 60);
        Gen<Optional<String>> commands = optional(commands(), 95);
        return in -> {
            boolean device = BOOLS.generate(in);
            int prefix = prefixes.generate(in);
            int port = ports.generate(in);
            Optional<String> send = payloads.generate(in);
            Optional<String> expect = payloads.generate(in);
            int timeout = timeouts.generate(in);
            return new FailoverService("fos" + index, v4(10, 200, index, 1),
                    device ? Optional.of("eth2:" + index) : Optional.empty(),
                    prefix <= 0 ? OptionalInt.empty() : OptionalInt.of(prefix), index % 2 == 0, port, send,
                    expect, timeout, timeout * 3, commands.generate(in), commands.generate(in));
        };
    }

    private static Gen<StatusRange> statusRange() {
        return integers().between(100, 599).zip(integers().between(0, 50),
                (from, width) -> new StatusRange(from, Math.min(599, from + width)));
    }

    private static Gen<Integer> ports() {
        return integers().between(0, 65535).mix(Generate.pick(List.of(0, 1, 65535)), 5);
    }

    /** Whole seconds or milliseconds, at least {@code minMillis}. */
    private static Gen<Duration> durations(long minMillis) {
        return Generate.oneOf(longs().between(Math.max(1, minMillis), 600_000).map(millis -> Duration.ofMillis(millis)),
                longs().between(minMillis > 0 ? 1 : 0, 3600).map(seconds -> Duration.ofSeconds(seconds)));
    }

    /** send/expect bytes: everything the escapes and quotes must carry. */
    private static Gen<String> payload() {
        return strings("aZ09 \\\"'\r\n\t#=.{}/", 1, 16);
    }

    /** Command lines: blanks, a comment sign, one kind of quote and an equals sign inside. */
    private static Gen<String> commands() {
        return strings("abc/%hp-# \"=", 1, 20).map(String::strip).assuming(s -> !s.isEmpty());
    }

    private static Gen<String> words() {
        return strings("aZ09.-_ #=\"", 1, 12);
    }

    /** Strings of {@code min} to {@code max} characters from {@code alphabet}. */
    static Gen<String> strings(String alphabet, int min, int max) {
        List<Character> chars = alphabet.chars().mapToObj(c -> (char) c).toList();
        return lists().of(Generate.pick(chars)).ofSizeBetween(min, max)
                .map(list -> list.stream().map(String::valueOf).collect(Collectors.joining()));
    }

    /** Present {@code percentPresent} percent of the time. */
    private static <T> Gen<Optional<T>> optional(Gen<T> gen, int percentPresent) {
        return gen.toOptionals(100 - percentPresent);
    }

    /** Each value in or out with even odds. */
    private static <E extends Enum<E>> Gen<Set<E>> subsets(Class<E> type) {
        return in -> {
            Set<E> set = EnumSet.noneOf(type);
            for (E e : type.getEnumConstants()) {
                if (BOOLS.generate(in)) {
                    set.add(e);
                }
            }
            return set;
        };
    }

    static InetAddress v4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    static InetAddress v6(int group3, int last) {
        byte[] bytes = new byte[16];
        bytes[0] = 0x20;
        bytes[1] = 0x01;
        bytes[2] = 0x0d;
        bytes[3] = (byte) 0xb8;
        bytes[5] = (byte) group3;
        bytes[15] = (byte) last;
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Router-pair fields; a backup is active only when both routers are named, as validation requires. */
    private static final class PairDraft {
        boolean primary;
        boolean privates;
        boolean backup;
        boolean backupActive;
        boolean heartbeat;
        int heartbeatPort;
        long keepaliveMillis;
        long extraDeadMillis;
        boolean monitorLinks;
        Optional<String> activeCmd;
        Optional<String> inactiveCmd;
        int keyKind;
        String key;
        boolean failback;
        Duration failbackDelay;

        RouterPair build() {
            return new RouterPair(
                    primary ? Optional.of(v4(203, 0, 113, 10)) : Optional.empty(),
                    privates ? Optional.of(v6(255, 1)) : Optional.empty(),
                    backup ? Optional.of(v4(203, 0, 113, 11)) : Optional.empty(),
                    privates ? Optional.of(v6(255, 2)) : Optional.empty(),
                    backupActive && backup && primary, heartbeat, heartbeatPort,
                    Duration.ofMillis(keepaliveMillis), Duration.ofMillis(keepaliveMillis + extraDeadMillis),
                    monitorLinks, activeCmd, inactiveCmd,
                    // an inline key has at least 16 bytes (shorter ones are refused)
                    keyKind == 1 ? Optional.of("sixteen-byte-key" + key) : Optional.empty(),
                    keyKind == 2 ? Optional.of(Path.of("/etc/fulcrum/" + key.replace('/', '_'))) : Optional.empty(),
                    failback, failbackDelay);
        }
    }

    private static final class LegacyDraft {
        String rsh;
        boolean sync;
        String debug;
        String ipvsadm;
        boolean syncdaemon;
        String iface;
        int syncdId;
        boolean hardShutdown;
        Optional<String> primaryShared;
        Optional<String> backupShared;
        Optional<String> reservation;
    }

    /** Health fields; a combination validation rejects is turned into the nearest valid one. */
    private static final class HealthDraft {
        CheckType type;
        Optional<String> send;
        Optional<String> expect;
        boolean useRegex;
        Optional<String> sendProgram;
        int timeout;
        int reentry;
        boolean quiesce;
        LoadMonitor loadMonitor;
        String path;
        List<StatusRange> statuses;
        Optional<String> host;
        Optional<Integer> port;
        Optional<Duration> interval;
        Optional<Integer> rise;
        int fall;

        HealthCheck build() {
            boolean regexOk = expect.map(HealthDraft::compiles).orElse(true);
            CheckType checked = type == CheckType.PROGRAM && sendProgram.isEmpty() ? CheckType.TCP : type;
            return new HealthCheck(checked, send, expect, useRegex && regexOk, sendProgram, timeout, reentry, quiesce,
                    loadMonitor, path, statuses, host, port.map(OptionalInt::of).orElse(OptionalInt.empty()),
                    interval.orElse(Duration.ofSeconds(timeout)),
                    rise.orElse(HealthCheck.defaultRise(timeout, reentry)), fall);
        }

        private static boolean compiles(String regex) {
            try {
                Pattern.compile(regex);
                return true;
            } catch (PatternSyntaxException e) {
                return false;
            }
        }
    }

    /** Virtual server number {@code index}: its own VIP and device, so no two clash. */
    private static final class VirtualDraft {
        final int index;
        boolean active;
        boolean ipv6;
        boolean device;
        int vipPrefix;
        int port;
        Protocol protocol;
        boolean fwmark;
        List<Integer> fwmarkPorts;
        SchedulerKind scheduler;
        Set<SchedulerFlag> flags;
        int persistent;
        int pmask;
        Optional<Integer> sorryPort;
        HealthCheck health;
        ProxySettings proxy;
        LegacyVirtualKeys legacy;
        List<RealServer> servers;

        VirtualDraft(int index) {
            this.index = index;
        }

        VirtualServer build() {
            InetAddress vip = ipv6 ? v6(index, 1) : v4(10, index, 0, 1);
            int width = ipv6 ? 128 : 32;
            Set<SchedulerFlag> ownFlags = EnumSet.noneOf(SchedulerFlag.class);
            flags.stream().filter(f -> f.scheduler() == scheduler).forEach(ownFlags::add);
            HealthCheck checked = health;
            if (protocol == Protocol.UDP && (health.type() == CheckType.HTTP || health.type() == CheckType.HTTPS)) {
                checked = new HealthCheck(CheckType.NONE, health.send(), health.expect(), health.useRegex(),
                        health.sendProgram(), health.timeoutSeconds(), health.reentrySeconds(),
                        health.quiesceServer(), health.loadMonitor(), health.path(), health.statuses(), health.host(),
                        health.port(), health.interval(), health.rise(), health.fall());
            }
            List<RealServer> named = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                RealServer s = servers.get(i);
                named.add(new RealServer("rs" + i, ipv6 ? v6(index, 100 + i) : v4(192, 168, index, 10 + i),
                        s.active(), s.weight(), s.port(), s.uThreshold(), s.lThreshold()));
            }
            return new VirtualServer("vs" + index, active || index == 0, vip,
                    device ? Optional.of("eth0:" + index) : Optional.empty(),
                    vipPrefix < 0 || vipPrefix % (width + 1) == 0 ? OptionalInt.empty()
                            : OptionalInt.of(vipPrefix % (width + 1)),
                    port, protocol, fwmark ? index + 1 : 0, fwmark ? fwmarkPorts : List.of(), scheduler, ownFlags,
                    new Persistence(persistent, pmask < 0 ? OptionalInt.empty() : OptionalInt.of(pmask % width)),
                    sorryPort.map(p -> new SorryServer(ipv6 ? v6(index, 250) : v4(192, 168, index, 250), p)),
                    checked, proxy, legacy, named);
        }
    }
}
