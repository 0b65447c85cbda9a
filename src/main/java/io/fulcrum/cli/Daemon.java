package io.fulcrum.cli;

import io.fulcrum.admin.ConfigStore;
import io.fulcrum.admin.ControlServer;
import io.fulcrum.admin.Metrics;
import io.fulcrum.admin.TableStatus;
import io.fulcrum.admin.Users;
import io.fulcrum.admin.wire.ReloadOutcome;
import io.fulcrum.ha.Election;
import io.fulcrum.ha.FloatingAddresses;
import io.fulcrum.ha.PairController;
import io.fulcrum.net.Addresses;
import io.fulcrum.net.NetworkActions;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Config;
import io.fulcrum.table.RateEstimator;
import io.fulcrum.proxy.ProxyEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The process around a {@link Router}: its state directory and pid file, its control channel, and
 * the signals (SIGHUP reloads; SIGTERM and SIGINT drain and stop).
 */
final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /** How long a router that handed its addresses over still waits for its open connections. */
    private static final Duration HANDED_OVER_DRAIN = Duration.ofSeconds(2);

    private final Router router;
    private final Path pidFile;
    private final Addresses host;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("rate-estimator").daemon().factory());
    private ControlServer control;
    private volatile Metrics metrics;
    private volatile Optional<InetSocketAddress> api = Optional.empty();
    private volatile PairController pair;

    private Daemon(Router router, Path pidFile, Addresses host) {
        this.router = router;
        this.pidFile = pidFile;
        this.host = host;
    }

    static Daemon start(Path configFile, Config config) throws IOException {
        Path stateDir = config.daemon().stateDir();
        try {
            Files.createDirectories(stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileSystemException e) {
            throw new IllegalStateException("cannot create the state directory " + stateDir + " ("
                    + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason())
                    + "); run as root or set state_dir in " + configFile + " to a directory you may write", e);
        }
        Path pidFile = config.daemon().pidFile();
        refuseIfRunning(pidFile);
        NetworkActions network = NetworkActions.host();
        // only once no other daemon of this state directory runs: its addresses are not stale
        PairController.removeStaleAddresses(stateDir, network);
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        Router router = new Router(configFile, config, table -> new ProxyEngine(table::snapshot));
        Daemon daemon = new Daemon(router, pidFile, network.addresses());
        // before the long part of the start (warm-up, checks): a SIGTERM then stops cleanly once
        // started, and a SIGHUP is not the JVM's default (exit)
        Signal.handle(new Signal("HUP"), signal -> Thread.ofVirtual().name("reload").start(daemon::reloadOnSignal));
        Signal.handle(new Signal("TERM"), signal -> daemon.stopSignal.countDown());
        Signal.handle(new Signal("INT"), signal -> daemon.stopSignal.countDown());
        try {
            router.start();
            if (config.routerPair().backupActive()) {
                EngineWarmUp.run();
            }
            // after the listeners are bound: a takeover then only has to bring the addresses up
            daemon.pair = PairController.start(config.routerPair(), FloatingAddresses.of(config, network.addresses()),
                    PairStatusView.fingerprint(config), stateDir, network, router::poolHealth);
            daemon.startControl(config);
        } catch (RuntimeException | IOException e) {
            daemon.close();
            throw e;
        }
        log.info("fulcrum running as pid {} (reload: kill -HUP {} or fulcrum reload)",
                ProcessHandle.current().pid(), ProcessHandle.current().pid());
        return daemon;
    }

    /** A pid file left by a daemon that still runs means a second one must not start. */
    private static void refuseIfRunning(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> other = Optional.empty();
        try {
            other = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (NumberFormatException e) {
            log.warn("ignoring unreadable pid file {}", pidFile);
        }
        if (other.filter(ProcessHandle::isAlive).filter(p -> p.pid() != ProcessHandle.current().pid()).isPresent()) {
            throw new IllegalStateException("another Fulcrum daemon runs with pid " + other.get().pid()
                    + " (pid file " + pidFile + "); set state_dir or pid_file to run a second router");
        }
        log.info("removing stale pid file {}", pidFile);
    }

    /** The control channel (status, reload) and the rate estimator it reports from, ticking every 2 s. */
    private void startControl(Config config) throws IOException {
        RateEstimator rates = new RateEstimator(router.table()::snapshot);
        ticker.scheduleAtFixedRate(() -> rates.tick(System.nanoTime()), 0, RateEstimator.INTERVAL_NANOS,
                TimeUnit.NANOSECONDS);
        TableStatus status = new TableStatus(router.table()::snapshot, () -> router.config().network(),
                router.engine(), rates, VersionProvider.version(),
                () -> PairStatusView.of(pair.view(), pair.activations(), Instant.now()), router::healthChecks);
        metrics = new Metrics(status, Clock.systemUTC());
        Path usersFile = config.daemon().usersFile(router.configFile());
        control = ControlServer.start(config.daemon().controlSocket(), status, this::reloadForControl, metrics,
                new ConfigStore(router.configFile(), this::reloadForControl), usersFile);
        log.info("control socket {} (fulcrum status --socket {})", config.daemon().controlSocket(),
                config.daemon().controlSocket());
        Optional<InetSocketAddress> listen = config.daemon().adminListen();
        if (listen.isEmpty()) {
            log.info("no API listener (admin_listen = none)");
            return;
        }
        try {
            api = Optional.of(control.listen(listen.get()));
        } catch (IOException e) {
            // the router serves its virtual servers without its API; the control socket still answers
            log.error("no API: {}; set admin_listen in {} (or none)", e.getMessage(), router.configFile());
            return;
        }
        log.info("API on http://{}/v1/ and metrics on http://{}/metrics (users: {})", apiText(), apiText(), usersFile);
        try {
            if (Users.read(usersFile).isEmpty()) {
                log.warn("no API users yet: every request gets 401; add one with fulcrum passwd --role admin -c {} USER",
                        router.configFile());
            }
        } catch (IOException e) {
            log.error("API users: {}; every request gets a 500 until it is fixed", e.getMessage());
        }
    }

    /** Where the API listens, when it does. */
    Optional<InetSocketAddress> api() {
        return api;
    }

    private String apiText() {
        return api.map(a -> AddressText.withPort(a.getAddress(), a.getPort())).orElse("");
    }

    /** A reload: the table first, then the floating addresses (a VIP may have come or gone). */
    private void reloadOnSignal() {
        if (pair == null) {
            log.warn("SIGHUP while starting: ignored; send it again once the daemon runs");
            return;
        }
        reload();
    }

    /** One reload at a time, the pair's addresses included (Router#reload). */
    private Router.ReloadOutcome reload() {
        Router.ReloadOutcome outcome = router.reload(
                next -> pair.update(FloatingAddresses.of(next, host), PairStatusView.fingerprint(next)));
        if (metrics != null) {
            metrics.reloaded(outcome.applied());
        }
        return outcome;
    }

    private ReloadOutcome reloadForControl() {
        Router.ReloadOutcome outcome = reload();
        return outcome.config()
                .map(c -> new ReloadOutcome(true, CheckCommand.summary(router.configFile(), c, outcome.warnings().size()),
                        List.of()))
                .orElseGet(() -> new ReloadOutcome(false, null,
                        outcome.errors().stream().map(Object::toString).toList()));
    }

    /** What SIGTERM does, for callers inside the process (the demo's `quit`). */
    void requestStop() {
        stopSignal.countDown();
    }

    void awaitStopSignal() throws InterruptedException {
        stopSignal.await();
    }

    /**
     * Hands the active role to the partner (which then serves every new connection), then drains
     * within {@code limit}; returns the exit code: 0, the "SIGTERM exits 0".
     */
    int stop(Duration limit) {
        Duration handover = router.config().routerPair().deadtime().multipliedBy(2).plus(Election.HANDOVER_MARGIN)
                .plusSeconds(1);
        if (!pair.view().partnerAlive()) {
            // nobody to hand over to (standalone, or the partner is down): the open connections
            // finish here first, then the addresses go
            int cut = router.drain(limit);
            pair.stop(handover);
            logStopped(cut, limit);
            return 0;
        }
        boolean handedOver = pair.handOver(handover);
        if (handedOver && !pair.keepsConnections() && limit.compareTo(HANDED_OVER_DRAIN) > 0) {
            // the clients' packets go to the partner now, which resets them: what is still open here is dead
            log.info("the partner serves the floating addresses now; draining for {} s only",
                    HANDED_OVER_DRAIN.toSeconds());
            logStopped(router.drain(HANDED_OVER_DRAIN), HANDED_OVER_DRAIN);
        } else {
            if (handedOver) {
                log.info("the partner serves new connections and forwards the open ones here; draining for up to {} s",
                        limit.toSeconds());
            }
            logStopped(router.drain(limit), limit);
        }
        pair.stop(handover);
        return 0;
    }

    /** Said once the drain, the addresses and the hooks are all done, not when the last connection ended. */
    private static void logStopped(int cut, Duration limit) {
        if (cut > 0) {
            log.warn("stopped: {} connection(s) were still open after {} s and were closed", cut, limit.toSeconds());
        } else {
            log.info("stopped: every connection ended");
        }
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
        if (pair != null) {
            pair.stop(Duration.ZERO);
            pair.close();
        }
        ticker.shutdownNow();
        router.close();
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            log.warn("cannot remove pid file {}: {}", pidFile, e.getMessage());
        }
    }
}
