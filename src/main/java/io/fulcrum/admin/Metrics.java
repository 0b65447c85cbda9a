package io.fulcrum.admin;

import io.fulcrum.admin.wire.HealthCheckStatus;
import io.fulcrum.admin.wire.PairStatus;
import io.fulcrum.admin.wire.RealServerStatus;
import io.fulcrum.admin.wire.Status;
import io.fulcrum.admin.wire.VirtualServerStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /metrics}: the table, the health checks, the pair and the reloads in Prometheus' text
 * format, all names prefixed {@code fulcrum_}. Everything but the reload counters is read from the
 * {@link StatusSource} when Prometheus scrapes: the data path counts nothing more for it.
 *
 * <p>Virtual servers are labelled {@code virtual_server="ADDRESS:PORT"} ({@code fwmark:N} for a
 * firewall-mark service) with {@code protocol}; real servers {@code real_server="ADDRESS:PORT"}; IPv6
 * addresses in brackets, RFC 5952.
 */
public final class Metrics {

    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    static final List<String> HEALTH_STATES = List.of("unknown", "up", "down", "quiesced");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Clock clock;
    private final Counter reloads = Counter.builder().name("fulcrum_reloads")
            .help("Reloads asked for (SIGHUP, fulcrum reload, the API), by outcome").labelNames("outcome").build();
    private final Gauge lastReload = Gauge.builder().name("fulcrum_last_reload_timestamp_seconds")
            .help("When the last reload was asked for (Unix time)").build();
    private final Gauge lastReloadApplied = Gauge.builder().name("fulcrum_last_reload_success")
            .help("1 when the last reload was applied, 0 when it was rejected").build();

    public Metrics(StatusSource status, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        registry.register(new TableCollector(Objects.requireNonNull(status, "status")));
        reloads.initLabelValues("applied");
        reloads.initLabelValues("rejected");
        registry.register(reloads);
        registry.register(lastReload);
        registry.register(lastReloadApplied);
    }

    /** Counts a reload's outcome. */
    public void reloaded(boolean applied) {
        reloads.labelValues(applied ? "applied" : "rejected").inc();
        lastReload.set(clock.millis() / 1000.0);
        lastReloadApplied.set(applied ? 1 : 0);
    }

    /** The exposition, read now. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The virtual server's label: its address and port, or its firewall mark. */
    static String virtualServerLabel(VirtualServerStatus virtual) {
        if (virtual.fwmark() != 0) {
            return "fwmark:" + virtual.fwmark();
        }
        return (virtual.address().contains(":") ? "[" + virtual.address() + "]" : virtual.address()) + ":" + virtual.port();
    }

    /** Builds the families from one status read, so that every value of a scrape comes from the same moment. */
    private static final class TableCollector implements MultiCollector {

        private final StatusSource source;

        TableCollector(StatusSource source) {
            this.source = source;
        }

        @Override
        public MetricSnapshots collect() {
            Status status = source.status();
            Families families = new Families();
            Map<String, Labels> virtualLabels = new HashMap<>();
            for (VirtualServerStatus virtual : status.virtualServers()) {
                Labels labels = Labels.of("virtual_server", virtualServerLabel(virtual),
                        "protocol", virtual.protocol().toLowerCase(Locale.ROOT));
                virtualLabels.put(virtual.name(), labels);
                families.gauge("fulcrum_virtual_server_active_connections", "Open connections in ESTABLISHED state",
                        labels, virtual.realServers().stream().mapToInt(RealServerStatus::active).sum());
                families.gauge("fulcrum_virtual_server_inactive_connections", "Open connections in any other state",
                        labels, virtual.realServers().stream().mapToInt(RealServerStatus::inactive).sum());
                traffic(families, "fulcrum_virtual_server_", labels, virtual.stats().conns(), virtual.stats().inBytes(),
                        virtual.stats().outBytes(), virtual.rates().cps(), virtual.rates().inBps(), virtual.rates().outBps());
                for (RealServerStatus real : virtual.realServers()) {
                    Labels realLabels = labels.add("real_server", real.endpoint());
                    families.gauge("fulcrum_real_server_active_connections", "Open connections in ESTABLISHED state",
                            realLabels, real.active());
                    families.gauge("fulcrum_real_server_inactive_connections", "Open connections in any other state",
                            realLabels, real.inactive());
                    families.gauge("fulcrum_real_server_weight", "The weight in force (0 while quiesced)",
                            realLabels, real.weight());
                    traffic(families, "fulcrum_real_server_", realLabels, real.stats().conns(), real.stats().inBytes(),
                            real.stats().outBytes(), real.rates().cps(), real.rates().inBps(), real.rates().outBps());
                }
            }
            for (HealthCheckStatus check : status.health()) {
                Labels labels = virtualLabels.get(check.virtualServer());
                if (labels == null) {
                    continue; // a check of a virtual server a reload just removed
                }
                Labels realLabels = labels.add("real_server", check.endpoint());
                for (String state : HEALTH_STATES) {
                    families.gauge("fulcrum_real_server_health",
                            "1 for the real server's health state now, 0 for the others",
                            realLabels.add("state", state), state.equals(check.state()) ? 1 : 0);
                }
                if (check.lastCheckSeconds() != null) {
                    families.gauge("fulcrum_real_server_check_duration_seconds", "How long the last health check took",
                            realLabels, check.lastCheckSeconds());
                }
            }
            if (status.pair() != null) {
                pair(families, status.pair());
            }
            return families.snapshots();
        }

        private static void traffic(Families families, String prefix, Labels labels, long connections, long inBytes,
                                    long outBytes, long cps, long inBps, long outBps) {
            families.counter(prefix + "connections", "Connections scheduled", labels, connections);
            families.counter(prefix + "in_bytes", "Bytes from clients", labels, inBytes);
            families.counter(prefix + "out_bytes", "Bytes to clients", labels, outBytes);
            families.gauge(prefix + "connections_per_second",
                    "Connection rate, IPVS's 2-second estimate (ipvsadm --rate CPS)", labels, cps);
            families.gauge(prefix + "in_bytes_per_second", "Bytes per second from clients (ipvsadm --rate InBPS)",
                    labels, inBps);
            families.gauge(prefix + "out_bytes_per_second", "Bytes per second to clients (ipvsadm --rate OutBPS)",
                    labels, outBps);
        }

        private static void pair(Families families, PairStatus pair) {
            families.gauge("fulcrum_pair_state", "1 for this router's role and state now",
                    Labels.of("role", pair.role(), "state", pair.state()), 1);
            families.gauge("fulcrum_pair_serving", "1 while this router holds and announces the floating addresses",
                    Labels.EMPTY, pair.serving() ? 1 : 0);
            families.counter("fulcrum_pair_takeovers", "Times this router became active (a standalone router's start"
                    + " counts once)", Labels.EMPTY, pair.takeovers());
            families.counter("fulcrum_pair_heartbeats_sent", "Heartbeats sent", Labels.EMPTY, pair.heartbeatsSent());
            families.counter("fulcrum_pair_heartbeats_received", "Valid heartbeats received", Labels.EMPTY,
                    pair.heartbeatsReceived());
            families.counter("fulcrum_pair_heartbeats_rejected", "Heartbeats rejected (bad MAC, replayed, unknown"
                    + " sender)", Labels.EMPTY, pair.heartbeatsRejected());
            if (pair.partner() != null) {
                Labels partner = Labels.of("partner", pair.partner().address());
                families.gauge("fulcrum_pair_partner_alive", "1 while a valid heartbeat arrived within deadtime",
                        partner, pair.partner().alive() ? 1 : 0);
                if (pair.partner().lastHeardMillis() >= 0) {
                    families.gauge("fulcrum_pair_heartbeat_age_seconds", "Time since the partner's last valid heartbeat",
                            partner, pair.partner().lastHeardMillis() / 1000.0);
                }
            }
        }
    }

    /** Data points gathered by family name, each family typed and described once. */
    private static final class Families {

        private record Family(boolean counter, String help, List<Object> points) {
        }

        private final Map<String, Family> byName = new LinkedHashMap<>();

        void gauge(String name, String help, Labels labels, double value) {
            family(name, help, false).points().add(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        void counter(String name, String help, Labels labels, double value) {
            family(name, help, true).points().add(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        private Family family(String name, String help, boolean counter) {
            return byName.computeIfAbsent(name, n -> new Family(counter, help, new ArrayList<>()));
        }

        MetricSnapshots snapshots() {
            List<MetricSnapshot> snapshots = new ArrayList<>();
            byName.forEach((name, family) -> snapshots.add(family.counter() ? counters(name, family) : gauges(name, family)));
            return new MetricSnapshots(snapshots);
        }

        private static MetricSnapshot counters(String name, Family family) {
            CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(family.help());
            family.points().forEach(point -> builder.dataPoint((CounterDataPointSnapshot) point));
            return builder.build();
        }

        private static MetricSnapshot gauges(String name, Family family) {
            GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(family.help());
            family.points().forEach(point -> builder.dataPoint((GaugeDataPointSnapshot) point));
            return builder.build();
        }
    }
}
