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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** parse(write(c)) equals c for generated valid configs. */
class RoundTripProperties {

    @Property(tries = 300)
    void writtenConfigsParseBackEqual(@ForAll("configs") Config config) {
        String written = LvsConfig.write(config);
        ConfigResult result = LvsConfig.parse("written.cf", written);
        assertThat(result.errors()).as("errors in\n%s", written).isEmpty();
        assertThat(result.config()).as("written as\n%s", written).contains(config);
    }

    @Property(tries = 100)
    void escapingIsReversible(@ForAll("payloads") String payload) {
        assertThat(Escapes.translate(Escapes.escape(payload))).isEqualTo(payload);
    }

    @Provide
    Arbitrary<String> payloads() {
        return Arbitraries.strings().withChars("ab \\\"'\r\n\t#.dxn").ofMinLength(0).ofMaxLength(20);
    }

    @Provide
    Arbitrary<Config> configs() {
        Arbitrary<List<VirtualServer>> virtuals = Arbitraries.integers().between(1, 4)
                .flatMap(n -> Combinators.combine(IntStream.range(0, n).mapToObj(this::virtual).toList())
                        .as(list -> list));
        Arbitrary<List<FailoverService>> failovers = Arbitraries.integers().between(0, 2)
                .flatMap(n -> Combinators.combine(IntStream.range(0, n).mapToObj(this::failover).toList())
                        .as(list -> list));
        Arbitrary<Optional<NatRouter>> natRouter = Combinators.combine(
                        Arbitraries.integers().between(-1, 32), Arbitraries.of(true, false))
                .as((prefix, present) -> present ? Optional.of(new NatRouter(v4(172, 16, 0, 1), "eth1:1",
                        prefix < 0 ? OptionalInt.empty() : OptionalInt.of(prefix))) : Optional.empty());
        return Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE), routerPair(),
                        Arbitraries.of(Forwarding.class), natRouter, timeouts(), legacy(), daemon(),
                        Combinators.combine(virtuals, failovers).as(List::<Object>of))
                .as((serial, pair, network, nat, timeouts, legacy, daemon, blocks) -> {
                    @SuppressWarnings("unchecked")
                    List<VirtualServer> vs = (List<VirtualServer>) blocks.get(0);
                    @SuppressWarnings("unchecked")
                    List<FailoverService> fs = (List<FailoverService>) blocks.get(1);
                    return new Config(serial, ServiceMode.LVS, pair, network, nat, timeouts, legacy, daemon, vs, fs);
                });
    }

    private Arbitrary<RouterPair> routerPair() {
        return Builders.withBuilder(PairDraft::new)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.primary = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.privates = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.backup = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.backupActive = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.heartbeat = v)
                .use(ports()).inSetter((d, v) -> d.heartbeatPort = v)
                .use(Arbitraries.longs().between(1, 10_000)).inSetter((d, v) -> d.keepaliveMillis = v)
                .use(Arbitraries.longs().between(1, 10_000)).inSetter((d, v) -> d.extraDeadMillis = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.monitorLinks = v)
                .use(commands().optional()).inSetter((d, v) -> d.activeCmd = v)
                .use(commands().optional()).inSetter((d, v) -> d.inactiveCmd = v)
                .use(Arbitraries.integers().between(0, 2)).inSetter((d, v) -> d.keyKind = v)
                .use(words()).inSetter((d, v) -> d.key = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.failback = v)
                .use(durations(0)).inSetter((d, v) -> d.failbackDelay = v)
                .build(PairDraft::build);
    }

    private Arbitrary<Timeouts> timeouts() {
        Arbitrary<Duration> whole = Arbitraries.longs().between(0, 100_000).map(Duration::ofSeconds);
        return Combinators.combine(whole, whole, whole).as(Timeouts::new);
    }

    private Arbitrary<LegacyGlobals> legacy() {
        return Builders.withBuilder(LegacyDraft::new)
                .use(Arbitraries.of("rsh", "ssh", "ssh -x")).inSetter((d, v) -> d.rsh = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.sync = v)
                .use(words()).inSetter((d, v) -> d.debug = v)
                .use(Arbitraries.of("/sbin/ipvsadm", "/usr/sbin/ipvsadm")).inSetter((d, v) -> d.ipvsadm = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.syncdaemon = v)
                .use(Arbitraries.of("eth0", "eth2", "bond0")).inSetter((d, v) -> d.iface = v)
                .use(Arbitraries.integers().between(0, 255)).inSetter((d, v) -> d.syncdId = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.hardShutdown = v)
                .use(words().optional()).inSetter((d, v) -> d.primaryShared = v)
                .use(words().optional()).inSetter((d, v) -> d.backupShared = v)
                .use(Arbitraries.of("nothing", "preempt").optional()).inSetter((d, v) -> d.reservation = v)
                .build(d -> new LegacyGlobals(d.rsh, d.sync, d.debug, d.ipvsadm, d.syncdaemon, d.iface, d.syncdId,
                        d.hardShutdown, d.primaryShared, d.backupShared, d.reservation));
    }

    private Arbitrary<DaemonSettings> daemon() {
        Arbitrary<Path> dirs = Arbitraries.of("/run/fulcrum", "/run/fulcrum-b", "/tmp/a dir").map(Path::of);
        Arbitrary<Optional<Path>> files = Arbitraries.of("/run/x.sock", "/var/run/other").map(Path::of).optional();
        // engine = nft is refused until the engine exists
        return Combinators.combine(Arbitraries.just(EngineKind.PROXY), dirs, files, files)
                .as((engine, dir, socket, pid) -> new DaemonSettings(engine, dir,
                        socket.orElse(DaemonSettings.defaultControlSocket(dir)),
                        pid.orElse(DaemonSettings.defaultPidFile(dir))));
    }

    private Arbitrary<VirtualServer> virtual(int index) {
        return Builders.withBuilder(() -> new VirtualDraft(index))
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.active = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.ipv6 = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.device = v)
                .use(Arbitraries.integers().between(-1, 128)).inSetter((d, v) -> d.vipPrefix = v)
                .use(ports()).inSetter((d, v) -> d.port = v)
                .use(Arbitraries.of(Protocol.class)).inSetter((d, v) -> d.protocol = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.fwmark = v)
                .use(ports().list().ofMaxSize(3)).inSetter((d, v) -> d.fwmarkPorts = v)
                .use(Arbitraries.of(SchedulerKind.class)).inSetter((d, v) -> d.scheduler = v)
                .use(Arbitraries.subsetOf(SchedulerFlag.values())).inSetter((d, v) -> d.flags = v)
                .use(Arbitraries.integers().between(0, 3600)).inSetter((d, v) -> d.persistent = v)
                .use(Arbitraries.integers().between(-1, 127)).inSetter((d, v) -> d.pmask = v)
                .use(ports().optional()).inSetter((d, v) -> d.sorryPort = v)
                .use(health()).inSetter((d, v) -> d.health = v)
                .use(proxy()).inSetter((d, v) -> d.proxy = v)
                .use(legacyVirtual()).inSetter((d, v) -> d.legacy = v)
                .use(realServer().list().ofMaxSize(4)).inSetter((d, v) -> d.servers = v)
                .build(VirtualDraft::build);
    }

    private Arbitrary<HealthCheck> health() {
        return Builders.withBuilder(HealthDraft::new)
                .use(Arbitraries.of(CheckType.class)).inSetter((d, v) -> d.type = v)
                .use(payload().optional()).inSetter((d, v) -> d.send = v)
                .use(payload().optional()).inSetter((d, v) -> d.expect = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.useRegex = v)
                .use(commands().optional()).inSetter((d, v) -> d.sendProgram = v)
                .use(Arbitraries.integers().between(1, 120)).inSetter((d, v) -> d.timeout = v)
                .use(Arbitraries.integers().between(0, 600)).inSetter((d, v) -> d.reentry = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.quiesce = v)
                .use(Arbitraries.of(LoadMonitor.class)).inSetter((d, v) -> d.loadMonitor = v)
                .use(Arbitraries.strings().alpha().numeric().withChars("/-._").ofMaxLength(12).map(s -> "/" + s))
                .inSetter((d, v) -> d.path = v)
                .use(statusRange().list().ofMinSize(1).ofMaxSize(3)).inSetter((d, v) -> d.statuses = v)
                .use(words().optional()).inSetter((d, v) -> d.host = v)
                .use(ports().optional()).inSetter((d, v) -> d.port = v)
                .use(durations(1).optional()).inSetter((d, v) -> d.interval = v)
                .use(Arbitraries.integers().between(1, 20).optional()).inSetter((d, v) -> d.rise = v)
                .use(Arbitraries.integers().between(1, 5)).inSetter((d, v) -> d.fall = v)
                .build(HealthDraft::build);
    }

    private Arbitrary<ProxySettings> proxy() {
        return Combinators.combine(durations(1), Arbitraries.integers().between(0, 5), durations(0))
                .as(ProxySettings::new);
    }

    private Arbitrary<LegacyVirtualKeys> legacyVirtual() {
        Arbitrary<Optional<String>> command = commands().optional(0.2);
        return Combinators.combine(command, command, command, command, command).as(LegacyVirtualKeys::new);
    }

    private Arbitrary<RealServer> realServer() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 65535), ports(),
                        Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535))
                .as((active, weight, port, u, l) -> new RealServer("placeholder", v4(192, 168, 0, 1), active,
                        weight, port, u, u == 0 ? 0 : Math.min(l, u)));
    }

    private Arbitrary<FailoverService> failover(int index) {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(-1, 32), ports(),
                        payload().optional(), payload().optional(), Arbitraries.integers().between(1, 60),
                        commands().optional(), commands().optional())
                .as((device, prefix, port, send, expect, timeout, start, stop) -> new FailoverService("fos" + index,
                        v4(10, 200, index, 1), device ? Optional.of("eth2:" + index) : Optional.empty(),
                        prefix < 0 ? OptionalInt.empty() : OptionalInt.of(prefix), index % 2 == 0, port, send,
                        expect, timeout, timeout * 3, start, stop));
    }

    private static Arbitrary<StatusRange> statusRange() {
        return Combinators.combine(Arbitraries.integers().between(100, 599), Arbitraries.integers().between(0, 50))
                .as((from, width) -> new StatusRange(from, Math.min(599, from + width)));
    }

    private static Arbitrary<Integer> ports() {
        return Arbitraries.integers().between(0, 65535);
    }

    /** Whole seconds or milliseconds, at least {@code minMillis}. */
    private static Arbitrary<Duration> durations(long minMillis) {
        return Arbitraries.oneOf(Arbitraries.longs().between(Math.max(1, minMillis), 600_000).map(Duration::ofMillis),
                Arbitraries.longs().between(minMillis > 0 ? 1 : 0, 3600).map(Duration::ofSeconds));
    }

    /** send/expect bytes: everything the escapes and quotes must carry. */
    private static Arbitrary<String> payload() {
        return Arbitraries.strings().withChars("aZ09 \\\"'\r\n\t#=.{}/").ofMinLength(1).ofMaxLength(16);
    }

    /** Command lines: blanks, a comment sign, one kind of quote and an equals sign inside. */
    private static Arbitrary<String> commands() {
        return Arbitraries.strings().withChars("abc/%hp-# \"=").ofMinLength(1).ofMaxLength(20)
                .map(String::strip).filter(s -> !s.isEmpty());
    }

    private static Arbitrary<String> words() {
        return Arbitraries.strings().withChars("aZ09.-_ #=\"").ofMinLength(1).ofMaxLength(12);
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
                    keyKind == 1 ? Optional.of(key) : Optional.empty(),
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
                    vipPrefix < 0 ? OptionalInt.empty() : OptionalInt.of(vipPrefix % (width + 1)),
                    port, protocol, fwmark ? index + 1 : 0, fwmark ? fwmarkPorts : List.of(), scheduler, ownFlags,
                    new Persistence(persistent, pmask < 0 ? OptionalInt.empty() : OptionalInt.of(pmask % width)),
                    sorryPort.map(p -> new SorryServer(ipv6 ? v6(index, 250) : v4(192, 168, index, 250), p)),
                    checked, proxy, legacy, named);
        }
    }
}
