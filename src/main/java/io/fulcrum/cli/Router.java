package io.fulcrum.cli;

import io.fulcrum.admin.wire.HealthCheckStatus;
import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.Diagnostic;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.config.Severity;
import io.fulcrum.health.HealthEvent;
import io.fulcrum.health.HealthMonitor;
import io.fulcrum.ha.PairController;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Config;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.table.Engine;
import io.fulcrum.table.VirtualServerEntry;
import io.fulcrum.table.VirtualServerTable;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One router: wires the configuration, the virtual-server table, the health monitor and an engine
 * together (what pulse, lvsd and the nannies were, in one process). Reloads are validated before
 * anything changes and applied as a diff.
 */
final class Router implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** How often expired persistence templates are dropped: memory stays bounded by the live ones. */
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(1);

    /** What a reload did: the new configuration, or every error of the rejected file. */
    record ReloadOutcome(Optional<Config> config, List<Diagnostic> errors, List<Diagnostic> warnings) {
        boolean applied() {
            return config.isPresent();
        }
    }

    private final Path configFile;
    private final VirtualServerTable table;
    private final Engine engine;
    private final HealthMonitor health;
    private final Object engineLock = new Object();
    // a control thread: dropping expired persistence templates never holds up a connection
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("persistence-sweep").daemon().factory());
    private volatile Config config;

    Router(Path configFile, Config config, Function<VirtualServerTable, Engine> engineFactory) {
        this(configFile, config, engineFactory, System::nanoTime);
    }

    /** With the table's clock (persistence timeouts, schedulers' time) injected, for tests. */
    Router(Path configFile, Config config, Function<VirtualServerTable, Engine> engineFactory, LongSupplier nanoClock) {
        this.configFile = Objects.requireNonNull(configFile, "configFile");
        this.config = Objects.requireNonNull(config, "config");
        this.table = new VirtualServerTable(nanoClock);
        this.engine = engineFactory.apply(table);
        this.health = new HealthMonitor(this::onHealth);
    }

    /** Opens the listeners and starts checking the real servers. */
    void start() {
        table.apply(config);
        publish();
        health.apply(config.virtualServers());
        sweeper.scheduleWithFixedDelay(this::expireTemplates, SWEEP_EVERY.toNanos(), SWEEP_EVERY.toNanos(),
                TimeUnit.NANOSECONDS);
        log.info("serving {} virtual server(s) from {} with engine {}",
                config.virtualServers().stream().filter(VirtualServer::active).count(), configFile, engine.name());
    }

    Config config() {
        return config;
    }

    Path configFile() {
        return configFile;
    }

    VirtualServerTable table() {
        return table;
    }

    Engine engine() {
        return engine;
    }

    /**
     * Re-reads the configuration file. A file with errors is reported and changes nothing; a good one
     * is applied as a diff: unchanged virtual and real servers keep their listeners, connections,
     * counters and health, and then handed to {@code follow} (the router pair's floating addresses).
     *
     * <p>Reloads (SIGHUP, the control socket's {@code reload}) run one at a time, {@code follow}
     * included: each reads the file when its turn comes, so the last one requested applies the
     * latest file, and what follows the table never ends with an older configuration than the table.
     */
    synchronized ReloadOutcome reload(Consumer<Config> follow) {
        ReloadOutcome outcome = reload();
        outcome.config().ifPresent(follow);
        return outcome;
    }

    private ReloadOutcome reload() {
        ConfigResult result = LvsConfig.parse(configFile);
        LvsConfig.shown(result.warnings()).forEach(w -> log.warn("reload: {}", w));
        if (result.config().isEmpty()) {
            LvsConfig.shown(result.errors()).forEach(e -> log.error("reload rejected: {}", e));
            log.error("reload rejected: {} error(s) in {}; still serving the previous configuration",
                    result.errors().size(), configFile);
            return new ReloadOutcome(Optional.empty(), result.errors(), result.warnings());
        }
        Config next = result.config().get();
        if (next.daemon().engine() != config.daemon().engine() || !next.daemon().equals(config.daemon())) {
            log.warn("reload: engine, state_dir, control_socket and pid_file take effect at the next start");
        }
        if (!next.routerPair().equals(config.routerPair())) {
            log.warn("reload: the router pair's settings (primary, backup, keepalive, deadtime, keys, failback, ...)"
                    + " take effect at the next start; the VIPs and nat_router follow at once");
        }
        Config previous = config;
        table.apply(next);
        config = next;
        try {
            publish();
        } catch (RuntimeException e) {
            // e.g. a new VIP:port already taken by another program: back to the previous config
            table.apply(previous);
            config = previous;
            publish();
            log.error("reload rejected: {}; still serving the previous configuration", e.getMessage());
            return new ReloadOutcome(Optional.empty(),
                    List.of(new Diagnostic(configFile.toString(), 0, "", e.getMessage(), Severity.ERROR)),
                    result.warnings());
        }
        health.apply(next.virtualServers());
        log.info("reloaded {}: {} virtual server(s)", configFile,
                next.virtualServers().stream().filter(VirtualServer::active).count());
        return new ReloadOutcome(Optional.of(next), List.of(), result.warnings());
    }

    /** One sweep; a failure is logged, and the next sweep still runs. */
    private void expireTemplates() {
        try {
            table.expireTemplates();
        } catch (RuntimeException e) {
            log.warn("persistence sweep failed", e);
        }
    }

    /** A health change goes to the table (in or out of the pool, weight) and from there to the engine. */
    private void onHealth(HealthEvent event) {
        // by name: the table resolves it against the configuration it holds, even mid-reload
        String name = event.virtualServer();
        InetAddress address = event.realServer().address();
        int port = event.realServer().port();
        switch (event.state()) {
            case UP -> table.setHealth(name, address, port, true, event.weight());
            case QUIESCED -> table.setHealth(name, address, port, true, 0);
            case DOWN, UNKNOWN -> table.setHealth(name, address, port, false, event.weight());
        }
        publish();
    }

    /**
     * Hands the table's latest snapshot to the engine. Health events arrive on many threads; taking
     * the latest under one lock means an older snapshot can never be applied after a newer one.
     */
    private void publish() {
        synchronized (engineLock) {
            engine.apply(table.snapshot());
        }
    }

    /** The real servers in service (in the pool with a weight above 0) and configured, over the active virtual servers. */
    PairController.PoolHealth poolHealth() {
        int up = 0;
        int total = 0;
        for (VirtualServerEntry entry : table.snapshot().entries()) {
            total += (int) entry.config().realServers().stream().filter(RealServer::active).count();
            up += (int) entry.pool().stream().filter(member -> member.weight() > 0).count();
        }
        return new PairController.PoolHealth(up, total);
    }

    /** The running health checks, in lvs.cf order. */
    List<HealthCheckStatus> healthChecks() {
        Map<String, HealthMonitor.CheckView> running = new HashMap<>();
        health.checks().forEach(check -> running.put(check.virtualServer() + "\n" + check.realServer().name(), check));
        List<HealthCheckStatus> listed = new ArrayList<>();
        for (VirtualServer virtual : config.virtualServers()) {
            for (RealServer real : virtual.realServers()) {
                HealthMonitor.CheckView check = running.get(virtual.name() + "\n" + real.name());
                if (check != null) {
                    listed.add(new HealthCheckStatus(virtual.name(), real.name(),
                            AddressText.withPort(real.address(), real.port()),
                            check.state().name().toLowerCase(Locale.ROOT),
                            check.lastCheck().map(d -> d.toNanos() / 1e9).orElse(null)));
                }
            }
        }
        return listed;
    }

    /**
     * Stops accepting, lets open connections finish for up to {@code limit}, then stops the checks;
     * returns how many connections were cut at the limit (the caller says "stopped" once it has).
     */
    int drain(Duration limit) {
        log.info("stopping: no new connections; draining open ones for up to {} s", limit.toSeconds());
        int cut = engine.drain(limit);
        health.close();
        return cut;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        health.close();
        engine.close();
    }
}
