package io.fulcrum.ha;

import io.fulcrum.ha.Election.Link;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.RouterPair;
import io.fulcrum.net.HostAddress;
import io.fulcrum.net.NetworkActions;
import io.fulcrum.net.ThreadScheduling;
import io.fulcrum.net.Links.LinkState;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The router's side of the pair: owns the heartbeat sockets and a thread that sends, receives and
 * drives the {@link Election}, and carries out what the election decides (addresses,
 * announcements, hooks) on a second thread, so that a slow address change or a hook script
 * never delays a heartbeat. A standalone router ({@code backup_active = 0}) runs the same way
 * without sockets: it is active from the start.
 *
 * <p>Both threads run in the real-time scheduling class where the host allows it, and the
 * heartbeat thread allocates little (one buffer, reused; a small status record per wake-up): its
 * timing is the difference between a failover and a false one.
 *
 * <p>A flood at the heartbeat port must not make it late either: each socket is connected to the
 * partner's address and port on its link, so the kernel drops every other sender's datagrams before
 * this thread sees them; and each wake-up reads at most {@link #READS_PER_WAKEUP} datagrams per socket
 * before it sends the heartbeat that is due and checks the deadline, so that junk (or forged
 * heartbeats) sent from the partner's own address cannot hold the thread in its receive loop.
 */
public final class PairController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PairController.class);

    /** Datagrams read from one socket per wake-up: the rest wait until the heartbeat due and the deadline are served. */
    static final int READS_PER_WAKEUP = 32;

    /** The real servers in service and in all, as the heartbeat reports them to the partner. */
    public record PoolHealth(int up, int total) {}

    /** One link as status shows it. */
    public record LinkView(Link link, Optional<InetAddress> own, Optional<String> device, LinkState state,
            Optional<Instant> lastHeard) {}

    /** What status shows of the pair. */
    public record View(boolean standalone, RouterRole role, HaState state, Instant since, String reason,
            boolean serving, Optional<InetAddress> partnerAddress, Optional<Heartbeat> partner, boolean partnerAlive,
            List<LinkView> links, boolean authenticated, boolean configMismatch, List<HostAddress> held,
            long sent, long received, long rejected, Optional<String> lastRejection) {}

    private final RouterPair pair;
    private final Optional<PairAddresses> addresses;
    private final Election election;
    private final HeartbeatCodec codec;
    /** One per link: the same heartbeat goes out on both, and each copy is new on its own link. */
    private final Map<Link, ReplayGuard> replayGuards = new EnumMap<>(Link.class);
    private final NetworkActions network;
    private final AddressOwner owner;
    private final Announcements announcements;
    private final Supplier<PoolHealth> health;
    private final ScheduledThreadPoolExecutor actions;
    private final HookCommands hooks = new HookCommands();
    private final Map<Link, DatagramChannel> channels = new EnumMap<>(Link.class);
    private final Map<Link, String> devices = new EnumMap<>(Link.class);
    private final Map<Link, LinkState> linkStates = new EnumMap<>(Link.class);
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(HeartbeatCodec.MAX_SIZE * 2);
    private final long bootId = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private final Instant startInstant = Instant.now();
    private final Thread loop;
    /** What this router does about a partner whose heartbeats it cannot authenticate (docs/ha.md, "Heartbeat keys"). */
    private final String keyMismatchConsequence;

    private volatile List<HostAddress> floating;
    private volatile long fingerprint;
    /** Counts activations and step-downs, so that a takeover in progress sees it was overruled. */
    private final AtomicLong decisions = new AtomicLong();
    /** Counts activations alone, for status and metrics. */
    private final AtomicLong activations = new AtomicLong();
    /** The activation whose addresses are all up and announced; serving while it is the latest decision. */
    private final AtomicLong servingDecision = new AtomicLong(-1);
    private volatile boolean partnerTookOver;
    /** The activation that could not bring every address up, for the heartbeat thread to act on. */
    private final AtomicLong failedDecision = new AtomicLong(-1);
    private volatile boolean beatRequested;
    private volatile boolean stopRequested;
    private volatile boolean abandoned;
    private volatile boolean activeAtStop;
    /** Counted down once the loop handled a stop: the partner serves now, or nobody will. */
    private final CountDownLatch handedOverSignal = new CountDownLatch(1);
    private volatile boolean finishRequested;
    /** The floating addresses stay local and silent while the connections drain (second chance). */
    private volatile boolean keepingConnections;
    private volatile View view;
    private long sequence;
    private long sent;
    private long received;
    private long rejected;
    private String lastRejection;
    private InetAddress lastRejectedFrom;
    private String lastRejectedWhy;
    /** When a heartbeat of the partner was last accepted, on any link. */
    private long lastAccepted = Long.MIN_VALUE;
    /** The first rejection is logged at once, the next ones at most every 10 s. */
    private final LogLimiter rejectionLog = new LogLimiter(Duration.ofSeconds(10));
    private volatile boolean mismatchLogged;
    private Duration stopLimit = Duration.ofSeconds(2);

    private PairController(RouterPair pair, Optional<PairAddresses> addresses, List<HostAddress> floating,
            long fingerprint, Optional<byte[]> key, Path stateDir, NetworkActions network, Supplier<PoolHealth> health)
            throws IOException {
        this.pair = pair;
        this.addresses = addresses;
        this.floating = List.copyOf(floating);
        this.fingerprint = fingerprint;
        this.codec = new HeartbeatCodec(key);
        for (Link link : Link.values()) {
            replayGuards.put(link, new ReplayGuard(codec.authenticated()));
        }
        this.network = network;
        this.health = health;
        this.owner = new AddressOwner(network.addresses(), ledger(stateDir));
        this.actions = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("ha-actions").daemon().factory());
        actions.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        actions.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.announcements = new Announcements(network.announcer(), actions, owner::held);
        RouterRole role = addresses.map(PairAddresses::role).orElse(RouterRole.PRIMARY);
        this.election = new Election(new Election.Settings(role, addresses.isEmpty(), pair.keepalive(), pair.deadtime(),
                pair.failback(), pair.failbackDelay()), new ElectionActions());
        this.keyMismatchConsequence = role == RouterRole.BACKUP
                ? "; this backup does not take over while they come (the primary keeps the role)"
                : "; this primary ignores them and takes or keeps the active role";
        this.selector = Selector.open();
        this.loop = Thread.ofPlatform().name("heartbeat").daemon().priority(Thread.MAX_PRIORITY).unstarted(this::run);
    }

    /**
     * Starts the pair side of a router whose listeners are already bound: resolves the role (a
     * pair) and opens the heartbeat sockets. {@link #removeStaleAddresses} has run before.
     *
     * @param floating    the addresses that move with the active role
     * @param fingerprint the configuration's fingerprint, compared with the partner's
     */
    public static PairController start(RouterPair pair, List<HostAddress> floating, long fingerprint, Path stateDir,
            NetworkActions network, Supplier<PoolHealth> health) throws IOException {
        Optional<byte[]> key = HeartbeatCodec.key(pair.heartbeatKey(), pair.heartbeatKeyFile());
        Optional<PairAddresses> addresses = pair.backupActive()
                ? Optional.of(PairAddresses.resolve(pair, network.addresses()))
                : Optional.empty();
        PairController controller = new PairController(pair, addresses, floating, fingerprint, key, stateDir, network,
                health);
        try {
            controller.open();
        } catch (IOException | RuntimeException e) {
            controller.close();
            throw e;
        }
        controller.loop.start();
        return controller;
    }

    /**
     * Removes the addresses a previous run of this router added and left behind (it crashed):
     * the first thing a restarted router does, so that its kernel stops answering for a VIP the
     * partner now holds.
     */
    public static void removeStaleAddresses(Path stateDir, NetworkActions network) throws IOException {
        if (Files.exists(ledger(stateDir))) {
            // it crashed holding addresses, maybe in the middle of a planned switch
            try {
                network.secondChance().removeStale();
            } catch (IOException e) {
                log.warn("cannot remove second-chance rules a previous run may have left: {}", e.getMessage());
            }
        }
        new AddressOwner(network.addresses(), ledger(stateDir)).removeStale();
    }

    private static Path ledger(Path stateDir) {
        return stateDir.resolve("floating-addresses");
    }

    private void open() throws IOException {
        if (addresses.isPresent() || !floating.isEmpty()) {
            network.announcer().warmUp();
        }
        if (addresses.isEmpty()) {
            log.info("standalone router (backup_active = 0): active from the start, no heartbeats");
            return;
        }
        PairAddresses pairAddresses = addresses.get();
        log.info("this router is the {} ({}); partner {}; heartbeats every {} s, partner dead after {} s",
                pairAddresses.role().name().toLowerCase(Locale.ROOT), AddressText.of(pairAddresses.ownPublic()),
                AddressText.of(pairAddresses.partnerPublic()), seconds(pair.keepalive()), seconds(pair.deadtime()));
        if (!codec.authenticated()) {
            log.warn("HEARTBEATS ARE NOT AUTHENTICATED: anybody who can send UDP to port {} can take the VIPs away"
                    + " from this router; set heartbeat_key_file (or heartbeat_key) to the same secret on both routers",
                    pair.heartbeatPort());
        }
        for (Link link : Link.values()) {
            Optional<InetAddress> own = pairAddresses.own(link);
            Optional<InetAddress> partner = pairAddresses.partner(link);
            if (own.isEmpty() || partner.isEmpty()
                    || (link == Link.PRIVATE && own.get().equals(pairAddresses.ownPublic()))) {
                continue;
            }
            DatagramChannel channel = DatagramChannel.open(own.get() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channels.put(link, channel);
            try {
                channel.bind(new InetSocketAddress(own.get(), pair.heartbeatPort()));
            } catch (IOException e) {
                throw new IOException("cannot bind the " + link.name().toLowerCase(Locale.ROOT)
                        + " heartbeat socket to " + AddressText.withPort(own.get(), pair.heartbeatPort()) + ": "
                        + e.getMessage() + " (another pulse or Fulcrum on this host? heartbeat_port)", e);
            }
            // the kernel now delivers only the partner's datagrams on this link: a stranger's flood costs nothing here
            channel.connect(new InetSocketAddress(partner.get(), pair.heartbeatPort()));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, link);
            network.addresses().deviceOf(own.get()).ifPresent(device -> devices.put(link, device));
        }
    }

    /** A reload: the floating addresses and the fingerprint may have changed; the timings apply at the next start. */
    public void update(List<HostAddress> nextFloating, long nextFingerprint) {
        if (stopRequested) {
            return;
        }
        floating = List.copyOf(nextFloating);
        fingerprint = nextFingerprint;
        mismatchLogged = false;
        actions.execute(() -> {
            if (serving()) {
                owner.keepOnly(floating);
                owner.bringUp(floating, address -> { }, () -> true);
                announcements.start();
            }
        });
    }

    /** What status shows now. */
    /** How many times this router became active since it started (a standalone router once, at its start). */
    public long activations() {
        return activations.get();
    }

    public View view() {
        View current = view;
        return current != null ? current : snapshot(System.nanoTime());
    }

    /**
     * The first half of a stop, as pulse never could without losing a connection: stops announcing,
     * tells the partner this router is leaving, keeps serving until the partner confirms it is
     * active and for {@link Election#HANDOVER_MARGIN} more (or the partner is not there, or
     * {@code limit} passes), then hands the addresses over: off the network, but kept local where
     * it can ({@link #keepsConnections}), while heartbeats go on saying "leaving".
     *
     * @return whether the partner now serves the floating addresses this router held
     */
    public boolean handOver(Duration limit) {
        stopLimit = limit;
        stopRequested = true;
        selector.wakeup();
        try {
            if (!handedOverSignal.await(limit.plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the heartbeat thread did not hand over within {} s", limit.plusSeconds(1).toSeconds());
            }
            // the hand-over's address changes ran before anything queued after them
            actions.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("the hand-over's address changes did not finish: {}", e.toString());
        }
        return activeAtStop && partnerTookOver;
    }

    /**
     * Whether the connections open here go on after the hand-over: the addresses stayed local and
     * silent, and the partner forwards their packets here (second chance, docs/ha.md).
     */
    public boolean keepsConnections() {
        return keepingConnections;
    }

    /**
     * Stops: hands over first if {@link #handOver} was not called, then tells the partner this
     * router is gone (so it stops forwarding at once), and takes down what is left of the
     * addresses and rules.
     *
     * @return whether the partner serves the floating addresses this router held
     */
    public boolean stop(Duration limit) {
        if (actions.isShutdown()) {
            // stopped already (Daemon.stop, then close)
            return activeAtStop && partnerTookOver;
        }
        boolean handedOver = handOver(limit);
        finishRequested = true;
        selector.wakeup();
        try {
            loop.join(limit.plusSeconds(1).toMillis());
            actions.execute(() -> {
                announcements.cancel();
                owner.takeDownAll();
                if (keepingConnections) {
                    keepingConnections = false;
                    try {
                        network.secondChance().unsilence();
                    } catch (IOException e) {
                        log.error("second chance: cannot remove the silence rules: {}", e.getMessage());
                    }
                }
            });
            actions.shutdown();
            if (!actions.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("the floating addresses were not all taken down within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException e) {
            log.debug("stopped twice: {}", e.getMessage());
        }
        hooks.close(HookCommands.LIMIT);
        return handedOver;
    }

    /**
     * Releases the sockets and threads at once, as a crash would: no handover, the addresses stay
     * up (and are listed in the state directory, so the next start removes them). Call
     * {@link #stop} first for a clean stop.
     */
    @Override
    public void close() {
        abandoned = true;
        selector.wakeup();
        if (loop.isAlive()) {
            try {
                loop.join(stopLimit.plusSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        actions.shutdownNow();
        hooks.close();
        for (DatagramChannel channel : channels.values()) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing a heartbeat socket: {}", e.getMessage());
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the heartbeat selector: {}", e.getMessage());
        }
    }

    private void run() {
        if (addresses.isPresent()) {
            log.info("heartbeat thread scheduling: {}", ThreadScheduling.raiseCallingThread());
            // a takeover must not queue behind a saturated proxy either
            actions.execute(() -> log.info("takeover thread scheduling: {}", ThreadScheduling.raiseCallingThread()));
        }
        long keepalive = pair.keepalive().toNanos();
        long now = System.nanoTime();
        election.start(now);
        checkLinks(now);
        long nextSend = now;
        long nextLinkCheck = now + keepalive;
        long stopDeadline = Long.MAX_VALUE;
        boolean handedOverSignalled = false;
        while (!abandoned) {
            now = System.nanoTime();
            try {
                if (stopRequested && stopDeadline == Long.MAX_VALUE) {
                    activeAtStop = election.state() == HaState.ACTIVE;
                    election.stop(now);
                    stopDeadline = now + stopLimit.toNanos();
                }
                if (stopDeadline != Long.MAX_VALUE && !handedOverSignalled) {
                    if (!election.handedOver() && now >= stopDeadline) {
                        election.giveUp(now);
                    }
                    if (election.handedOver()) {
                        partnerTookOver = election.partnerTookOver();
                        handedOverSignalled = true;
                        handedOverSignal.countDown();
                    }
                }
                if (finishRequested) {
                    election.finish(now);
                    send();
                    break;
                }
                if (failedDecision.get() == decisions.get()) {
                    failedDecision.set(-1);
                    election.takeoverFailed(now);
                }
                if (now >= nextLinkCheck) {
                    checkLinks(now);
                    nextLinkCheck = now + keepalive;
                }
                election.tick(now);
                if (beatRequested || now >= nextSend) {
                    beatRequested = false;
                    send();
                    nextSend = now + keepalive;
                }
                view = snapshot(now);
                long stopWake = handedOverSignalled ? Long.MAX_VALUE : stopDeadline;
                long wake = Math.min(Math.min(nextSend, nextLinkCheck), Math.min(election.nextCheck(now), stopWake));
                selector.select(Math.max(1, (wake - now + 999_999) / 1_000_000));
                receive();
            } catch (IOException e) {
                log.error("heartbeat loop: {}", e.getMessage());
            } catch (RuntimeException e) {
                // this thread is the pair's life: it must survive anything, or the partner takes over
                // while this router still holds the addresses
                log.error("heartbeat loop failed; carrying on", e);
                pauseAfterFailure();
            }
        }
        view = snapshot(System.nanoTime());
        handedOverSignal.countDown();
    }

    /** Keeps a loop that fails at every turn (out of file descriptors) from spinning. */
    private void pauseAfterFailure() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkLinks(long now) {
        boolean usable = true;
        for (Map.Entry<Link, String> device : devices.entrySet()) {
            LinkState state;
            try {
                state = network.links().state(device.getValue());
            } catch (RuntimeException e) {
                // cannot tell (e.g. no file descriptor left): keep what was known rather than flap
                log.warn("cannot read the state of {}: {}", device.getValue(), e.getMessage());
                state = linkStates.getOrDefault(device.getKey(), LinkState.UP);
            }
            LinkState before = linkStates.put(device.getKey(), state);
            if (state != before && before != null) {
                log.warn("{} link ({}) is {}", device.getKey().name().toLowerCase(Locale.ROOT),
                        device.getValue(), state.name().toLowerCase(Locale.ROOT));
            }
            usable &= state == LinkState.UP;
        }
        if (pair.monitorLinks() && addresses.isPresent()) {
            election.links(usable, now);
        }
    }

    private boolean serving() {
        return servingDecision.get() == decisions.get();
    }

    private void send() {
        if (channels.isEmpty()) {
            return;
        }
        HaState state = election.state();
        HaState advertised = state == HaState.ACTIVE && !serving() ? HaState.STANDBY : state;
        PoolHealth pool = health.get();
        Heartbeat heartbeat = new Heartbeat(election.role(), advertised, bootId, ++sequence, fingerprint, pool.up(),
                pool.total(), linkStates.getOrDefault(Link.PUBLIC, LinkState.UP) == LinkState.UP,
                linkStates.getOrDefault(Link.PRIVATE, LinkState.UP) == LinkState.UP);
        for (Map.Entry<Link, DatagramChannel> entry : channels.entrySet()) {
            buffer.clear();
            codec.encode(heartbeat, buffer);
            buffer.flip();
            try {
                entry.getValue().write(buffer);
                sent++;
            } catch (IOException e) {
                log.debug("heartbeat on the {} link: {}", entry.getKey(), e.getMessage());
            }
        }
    }

    /**
     * Reads at most {@link #READS_PER_WAKEUP} datagrams from each ready socket; what is left keeps the socket
     * ready, so the next select returns at once, after the loop has sent what was due.
     */
    private void receive() throws IOException {
        var selected = selector.selectedKeys();
        for (SelectionKey key : selected) {
            Link link = (Link) key.attachment();
            DatagramChannel channel = (DatagramChannel) key.channel();
            for (int read = 0; read < READS_PER_WAKEUP; read++) {
                buffer.clear();
                SocketAddress from;
                try {
                    from = channel.receive(buffer);
                } catch (PortUnreachableException e) {
                    // an ICMP answer to a heartbeat sent while the partner was not listening: it is not running
                    continue;
                }
                if (from == null) {
                    break;
                }
                buffer.flip();
                accept(link, ((InetSocketAddress) from).getAddress(), System.nanoTime());
            }
        }
        selected.clear();
    }

    /** A datagram from the partner's address on {@code link} (the socket is connected to it): cheap checks first. */
    private void accept(Link link, InetAddress source, long now) {
        Heartbeat heartbeat;
        try {
            heartbeat = codec.decode(buffer);
            replayGuards.get(link).check(heartbeat);
        } catch (BadHeartbeat e) {
            boolean otherKey = e.reason() == BadHeartbeat.Reason.BAD_MAC
                    || e.reason() == BadHeartbeat.Reason.UNAUTHENTICATED;
            if (otherKey) {
                // the socket is connected: this came from the partner's address, so the partner is most likely alive
                election.unauthenticated(now);
            }
            reject(now, source, e.getMessage(), otherKey ? keyMismatchConsequence : "");
            return;
        }
        if (heartbeat.role() == election.role()) {
            reject(now, source, "it says it is the " + heartbeat.role().name().toLowerCase(Locale.ROOT)
                    + " too: check primary and backup in lvs.cf on both routers", "");
            return;
        }
        received++;
        if (lastAccepted != Long.MIN_VALUE && now - lastAccepted > pair.deadtime().toNanos() / 2) {
            log.warn("the partner's heartbeats resumed after {} ms of silence (deadtime {} ms)",
                    TimeUnit.NANOSECONDS.toMillis(now - lastAccepted), pair.deadtime().toMillis());
        }
        lastAccepted = now;
        if (heartbeat.configFingerprint() != fingerprint && !mismatchLogged) {
            mismatchLogged = true;
            log.warn("CONFIG MISMATCH: the partner {} runs a different lvs.cf (fingerprint {} here, {} there);"
                    + " a takeover would serve a different configuration", AddressText.of(source),
                    Long.toHexString(fingerprint), Long.toHexString(heartbeat.configFingerprint()));
        } else if (heartbeat.configFingerprint() == fingerprint && mismatchLogged) {
            mismatchLogged = false;
            log.info("the partner's lvs.cf matches this router's again");
        }
        election.heartbeat(link, heartbeat, now);
    }

    /**
     * Counts a rejected datagram; a flood of the same rejection builds its text once.
     *
     * @param consequence what this router does about it, appended to the reason
     */
    private void reject(long now, InetAddress source, String why, String consequence) {
        rejected++;
        if (!source.equals(lastRejectedFrom) || !why.equals(lastRejectedWhy)) {
            lastRejectedFrom = source;
            lastRejectedWhy = why;
            lastRejection = "from " + AddressText.of(source) + ": " + why + consequence;
        }
        if (rejectionLog.due(now)) {
            log.warn("heartbeat rejected {} ({} rejected so far)", lastRejection, rejected);
        }
    }

    private View snapshot(long now) {
        Election.PartnerView partner = election.partner(now);
        List<LinkView> links = new ArrayList<>();
        for (Link link : Link.values()) {
            if (!channels.containsKey(link)) {
                continue;
            }
            long heard = link == Link.PUBLIC ? partner.lastHeardPublic() : partner.lastHeardPrivate();
            links.add(new LinkView(link, addresses.flatMap(a -> a.own(link)), Optional.ofNullable(devices.get(link)),
                    linkStates.getOrDefault(link, LinkState.UP), heard == Long.MIN_VALUE
                            ? Optional.empty() : Optional.of(instant(heard))));
        }
        boolean mismatch = partner.last().map(h -> h.configFingerprint() != fingerprint).orElse(false);
        return new View(addresses.isEmpty(), election.role(), election.state(), instant(election.stateSince()),
                election.reason(), serving(), addresses.map(PairAddresses::partnerPublic), partner.last(), partner.alive(),
                links, codec.authenticated(), mismatch, owner.heldSnapshot(), sent, received, rejected,
                Optional.ofNullable(lastRejection));
    }

    private Instant instant(long nanos) {
        return startInstant.plusNanos(nanos - startNanos);
    }

    private static String seconds(Duration duration) {
        return String.valueOf(duration.toMillis() / 1000.0);
    }

    /** A standalone router becomes active at every start and inactive at every stop: nothing to warn about. */
    private Level roleChangeLevel() {
        return addresses.isEmpty() ? Level.INFO : Level.WARN;
    }

    /**
     * On the actions thread: keeps the floating addresses local but off the network, so that the
     * connections open here go on while the partner forwards their packets (second chance).
     *
     * @return false when that could not be done (the addresses are then taken down as usual)
     */
    private boolean keepLocalAndSilent() {
        Optional<String> device = deviceForSecondChance();
        if (device.isEmpty() || owner.held().isEmpty()) {
            return false;
        }
        try {
            network.secondChance().silence(owner.held().stream().map(HostAddress::address).toList(), device.get())
                    .forEach(note -> log.info("second chance: {}", note));
            List<HostAddress> kept = owner.moveToLoopback();
            log.info("second chance: {} address(es) kept on {} for the connections open here; the partner forwards"
                    + " their packets over {}", kept.size(), AddressOwner.LOOPBACK, device.get());
            return true;
        } catch (IOException e) {
            log.warn("second chance: {}; the connections open here end with the switch", e.getMessage());
            try {
                network.secondChance().unsilence();
            } catch (IOException again) {
                log.error("second chance: cannot remove the silence rules: {}", again.getMessage());
            }
            return false;
        }
    }

    /** The partner's address on the private link, or on the public one when there is no private link. */
    private Optional<InetAddress> partnerForSecondChance() {
        Link link = channels.containsKey(Link.PRIVATE) ? Link.PRIVATE : Link.PUBLIC;
        return addresses.flatMap(a -> a.partner(link));
    }

    private Optional<String> deviceForSecondChance() {
        Link link = channels.containsKey(Link.PRIVATE) ? Link.PRIVATE : Link.PUBLIC;
        return Optional.ofNullable(devices.get(link));
    }

    private List<InetAddress> floatingIps() {
        return floating.stream().map(HostAddress::address).distinct().toList();
    }

    /** The election's decisions, carried out on the actions thread in the order they were taken. */
    private final class ElectionActions implements Election.Actions {
        @Override
        public void activate(String reason) {
            log.atLevel(roleChangeLevel()).log("becoming ACTIVE: {}", reason);
            activations.incrementAndGet();
            long decision = decisions.incrementAndGet();
            actions.execute(() -> {
                // each address is announced as soon as it is up: the first VIP does not wait for the rest;
                // a step-down decided meanwhile stops the rest (no GARP for an address about to go)
                boolean allUp = owner.bringUp(floating, announcements::announceOnce, () -> decisions.get() == decision);
                if (decisions.get() != decision) {
                    return;
                }
                announcements.start();
                pair.activeCmd().ifPresent(command -> hooks.run("active_cmd", command));
                if (!allUp) {
                    // never tell the partner "active" for addresses this router does not hold: a leaving
                    // partner would let go of them, and nobody would serve; hand the role over instead
                    log.error("takeover incomplete: not every floating address is up; handing the role over");
                    failedDecision.set(decision);
                    selector.wakeup();
                    return;
                }
                servingDecision.set(decision);
                beatRequested = true;
                selector.wakeup();
                log.info("active: serving {} floating address(es)", owner.held().size());
            });
        }

        @Override
        public void deactivate(String reason) {
            log.atLevel(roleChangeLevel()).log("becoming INACTIVE: {}", reason);
            decisions.incrementAndGet();
            actions.execute(() -> {
                announcements.cancel();
                owner.takeDownAll();
                pair.inactiveCmd().ifPresent(command -> hooks.run("inactive_cmd", command));
            });
        }

        @Override
        public void handOver(String reason) {
            log.warn("becoming INACTIVE: {}", reason);
            decisions.incrementAndGet();
            actions.execute(() -> {
                announcements.cancel();
                keepingConnections = keepLocalAndSilent();
                if (!keepingConnections) {
                    owner.takeDownAll();
                }
                pair.inactiveCmd().ifPresent(command -> hooks.run("inactive_cmd", command));
            });
        }

        @Override
        public void silence() {
            announcements.silence();
        }

        @Override
        public void forwardUnknownFlows(boolean on) {
            actions.execute(() -> {
                Optional<InetAddress> partner = partnerForSecondChance();
                Optional<String> device = deviceForSecondChance();
                if (partner.isEmpty() || device.isEmpty()) {
                    return;
                }
                try {
                    if (on) {
                        network.secondChance().forward(floatingIps(), partner.get(), device.get())
                                .forEach(note -> log.warn("second chance: {}", note));
                        log.info("second chance: packets of connections unknown here go to the leaving partner {} on {}",
                                AddressText.of(partner.get()), device.get());
                    } else {
                        network.secondChance().stopForwarding();
                        log.info("second chance: the partner is gone; forwarding to it ended");
                    }
                } catch (IOException e) {
                    log.warn("second chance: {}; the partner's open connections end with the switch", e.getMessage());
                }
            });
        }

        @Override
        public void reannounce(String reason) {
            log.info("{}", reason);
            actions.execute(announcements::start);
        }

        @Override
        public void heartbeatNow() {
            beatRequested = true;
        }
    }

    @Override
    public String toString() {
        return "PairController[" + Objects.toString(addresses.map(PairAddresses::role).orElse(null), "standalone") + "]";
    }
}
