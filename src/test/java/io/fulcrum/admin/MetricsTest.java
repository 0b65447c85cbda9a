package io.fulcrum.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.admin.wire.HealthCheckStatus;
import io.fulcrum.admin.wire.PairStatus;
import io.fulcrum.admin.wire.Rates;
import io.fulcrum.admin.wire.RealServerStatus;
import io.fulcrum.admin.wire.Stats;
import io.fulcrum.admin.wire.Status;
import io.fulcrum.admin.wire.VirtualServerStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final RealServerStatus V6_REAL = new RealServerStatus("r6", "2001:db8::11", 8080,
            "[2001:db8::11]:8080", "Masq", 2, 4, 1, new Stats(17, 0, 0, 1200, 34000), new Rates(3, 0, 0, 90, 2500));

    private static final VirtualServerStatus V6 = new VirtualServerStatus("web6", "TCP  [2001:db8::100]:443", 0, "TCP",
            "2001:db8::100", 443, "wlc", List.of(), 0, null, V6_REAL.stats(), V6_REAL.rates(), List.of(V6_REAL));

    private static PairStatus pair(long lastHeardMillis) {
        return new PairStatus("backup", "standby", "2026-11-28T22:00:00Z", "the primary is alive", false, List.of(),
                new PairStatus.Partner("10.0.0.1", true, "primary", "active", lastHeardMillis, 2, 2), List.of(), true,
                false, 40, 39, 2, "bad MAC", 3);
    }

    private final AtomicReference<Status> now = new AtomicReference<>();
    private final StatusSource source = WireSamples.source(now::get);
    private final Metrics metrics = new Metrics(source,
            Clock.fixed(Instant.parse("2026-11-28T22:30:00Z"), ZoneOffset.UTC));

    private Exposition scrape() {
        return new Exposition(new String(metrics.scrape(), StandardCharsets.UTF_8));
    }

    private static Status with(List<VirtualServerStatus> virtualServers, PairStatus pair, HealthCheckStatus... health) {
        return new Status("0.1.0", "proxy (epoll)", virtualServers, pair, List.of(health));
    }

    @Test
    void labelsNameServersByAddressAndPortWithIpv6InBracketsAndFwmarksByMark() {
        List<VirtualServerStatus> virtualServers = new ArrayList<>(WireSamples.table().virtualServers());
        virtualServers.add(V6);
        now.set(with(virtualServers, null));
        Exposition e = scrape();

        assertThat(e.value("fulcrum_real_server_active_connections", "virtual_server", "[2001:db8::100]:443",
                "protocol", "tcp", "real_server", "[2001:db8::11]:8080")).hasValue(4);
        assertThat(e.value("fulcrum_real_server_inactive_connections", "real_server", "[2001:db8::11]:8080")).hasValue(1);
        assertThat(e.value("fulcrum_real_server_weight", "real_server", "[2001:db8::11]:8080")).hasValue(2);
        assertThat(e.value("fulcrum_real_server_connections_total", "real_server", "[2001:db8::11]:8080")).hasValue(17);
        assertThat(e.value("fulcrum_real_server_in_bytes_total", "real_server", "[2001:db8::11]:8080")).hasValue(1200);
        assertThat(e.value("fulcrum_real_server_out_bytes_total", "real_server", "[2001:db8::11]:8080")).hasValue(34000);
        assertThat(e.value("fulcrum_real_server_connections_per_second", "real_server", "[2001:db8::11]:8080")).hasValue(3);
        assertThat(e.value("fulcrum_real_server_out_bytes_per_second", "real_server", "[2001:db8::11]:8080")).hasValue(2500);
        // the virtual server's connection gauges add up its real servers (ipvs.md 4.1: 12 + 4 + 1 active)
        assertThat(e.value("fulcrum_virtual_server_active_connections", "virtual_server", "10.0.0.100:80",
                "protocol", "tcp")).hasValue(17);
        assertThat(e.value("fulcrum_virtual_server_inactive_connections", "virtual_server", "10.0.0.100:80")).hasValue(75);
        assertThat(e.value("fulcrum_virtual_server_active_connections", "virtual_server", "10.0.0.101:53",
                "protocol", "udp")).hasValue(0);
        assertThat(e.value("fulcrum_virtual_server_active_connections", "virtual_server", "fwmark:10")).hasValue(5);
        assertThat(e.type("fulcrum_real_server_connections_total")).isEqualTo("counter");
        assertThat(e.type("fulcrum_real_server_active_connections")).isEqualTo("gauge");
        assertThat(e.samples()).allSatisfy(sample -> assertThat(sample.name()).startsWith("fulcrum_"));
    }

    @Test
    void healthStatesAreOneHotAndTheLastCheckTimeIsShownOnceThereIsOne() {
        now.set(with(List.of(V6), null,
                new HealthCheckStatus("web6", "r6", "[2001:db8::11]:8080", "quiesced", 0.25),
                new HealthCheckStatus("web6", "r7", "[2001:db8::12]:8080", "unknown", null)));
        Exposition e = scrape();

        for (String state : Metrics.HEALTH_STATES) {
            assertThat(e.value("fulcrum_real_server_health", "real_server", "[2001:db8::11]:8080", "state", state))
                    .as(state).hasValue(state.equals("quiesced") ? 1 : 0);
            assertThat(e.value("fulcrum_real_server_health", "real_server", "[2001:db8::12]:8080", "state", state))
                    .as(state).hasValue(state.equals("unknown") ? 1 : 0);
        }
        assertThat(e.value("fulcrum_real_server_check_duration_seconds", "virtual_server", "[2001:db8::100]:443",
                "real_server", "[2001:db8::11]:8080")).hasValue(0.25);
        assertThat(e.value("fulcrum_real_server_check_duration_seconds", "real_server", "[2001:db8::12]:8080")).isEmpty();
    }

    @Test
    void thePairShowsRoleStateHeartbeatAgeAndTakeovers() {
        now.set(with(List.of(), pair(1500)));
        Exposition e = scrape();

        assertThat(e.value("fulcrum_pair_state", "role", "backup", "state", "standby")).hasValue(1);
        assertThat(e.value("fulcrum_pair_serving")).hasValue(0);
        assertThat(e.value("fulcrum_pair_takeovers_total")).hasValue(3);
        assertThat(e.value("fulcrum_pair_heartbeats_sent_total")).hasValue(40);
        assertThat(e.value("fulcrum_pair_heartbeats_received_total")).hasValue(39);
        assertThat(e.value("fulcrum_pair_heartbeats_rejected_total")).hasValue(2);
        assertThat(e.value("fulcrum_pair_partner_alive", "partner", "10.0.0.1")).hasValue(1);
        assertThat(e.value("fulcrum_pair_heartbeat_age_seconds", "partner", "10.0.0.1")).hasValue(1.5);

        now.set(with(List.of(), pair(-1)));
        assertThat(scrape().value("fulcrum_pair_heartbeat_age_seconds")).as("never heard").isEmpty();
    }

    @Test
    void reloadsAreCountedByOutcome() {
        now.set(with(List.of(), null));
        assertThat(scrape().value("fulcrum_reloads_total", "outcome", "applied")).hasValue(0);
        metrics.reloaded(true);
        metrics.reloaded(false);
        metrics.reloaded(false);
        Exposition e = scrape();

        assertThat(e.value("fulcrum_reloads_total", "outcome", "applied")).hasValue(1);
        assertThat(e.value("fulcrum_reloads_total", "outcome", "rejected")).hasValue(2);
        assertThat(e.value("fulcrum_last_reload_success")).hasValue(0);
        assertThat(e.value("fulcrum_last_reload_timestamp_seconds"))
                .hasValue(Instant.parse("2026-11-28T22:30:00Z").getEpochSecond());
    }

    /** docs/grafana-dashboard.json asks only for series that a scrape has. */
    @Test
    void theDashboardQueriesOnlySeriesThatExist() throws Exception {
        now.set(with(List.of(V6), pair(800), new HealthCheckStatus("web6", "r6", "[2001:db8::11]:8080", "up", 0.01)));
        metrics.reloaded(true);
        Set<String> scraped = scrape().samples().stream().map(Exposition.Sample::name).collect(Collectors.toSet());
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("docs/grafana-dashboard.json").toFile());
        Set<String> queried = new TreeSet<>();
        Matcher name = Pattern.compile("fulcrum_[a-z_]+").matcher("");
        for (JsonNode expr : dashboard.findValues("expr")) {
            name.reset(expr.asText());
            while (name.find()) {
                queried.add(name.group());
            }
        }
        for (JsonNode query : dashboard.findValues("query")) {
            name.reset(query.asText());
            while (name.find()) {
                queried.add(name.group());
            }
        }
        assertThat(queried).hasSizeGreaterThan(10);
        assertThat(scraped).containsAll(queried);
    }
}
