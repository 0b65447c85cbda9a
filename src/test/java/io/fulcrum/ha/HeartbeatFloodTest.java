package io.fulcrum.ha;

import static io.fulcrum.testing.HaTopology.NAT_ROUTER;
import static io.fulcrum.testing.HaTopology.VIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fulcrum.testing.HaTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pair of {@link FailoverScenarioTest} at the fast timings while the client floods the active router's
 * heartbeat port at 100,000 datagrams a second: first from its own address (a stranger), then from the
 * backup's address and port (spoofed with an nftables SNAT rule in the client's namespace) with junk,
 * heartbeats signed with a wrong key and replayed ones. Neither router may change its role, and neither may
 * hear the other's heartbeats stop for as long as {@code deadtime}.
 */
@Tag("netns")
class HeartbeatFloodTest {

    private static final Map<String, String> TIMINGS = Map.of("keepalive", "0.1", "deadtime", "0.4");
    private static final Duration DEADTIME = Duration.ofMillis(400);
    private static final int HEARTBEAT_PORT = 539;
    /** The key examples/lvs-pair.cf sets, which the flooder uses for its replays. */
    private static final String KEY = "change-me-to-a-long-random-secret";
    private static final int RATE = 100_000;
    private static final int SECONDS = 5;
    private static final Duration ROUTER_START = Duration.ofSeconds(60);
    private static final Pattern SILENCE = Pattern.compile("heartbeats resumed after (\\d+) ms of silence");
    private static final Pattern REJECTED = Pattern.compile("rejected (\\d+)");
    private static final Pattern SENT = Pattern.compile("sent (\\d+) in (\\d+) ms");

    private HaTopology topology;

    @RegisterExtension
    final AfterTestExecutionCallback printLogsOnFailure = context -> {
        if (context.getExecutionException().isPresent() && topology != null) {
            System.out.println("---- logs of " + context.getDisplayName() + "\n" + topology.logs());
        }
    };

    @BeforeAll
    static void needsNamespaces() {
        HaTopology.missingCapability().ifPresent(why -> Assumptions.abort("skipped: " + why));
        Assumptions.assumeTrue(HaTopology.hasNft(), "skipped: nft is not installed (apt-get install nftables)");
    }

    @AfterEach
    void tearDown() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void aFloodAtTheHeartbeatPortCausesNoFailoverAndNoLateHeartbeat() throws Exception {
        String config = HaTopology.pairConfig(TIMINGS);
        assertThat(config).contains("heartbeat_key = " + KEY);
        topology = HaTopology.create();
        topology.startRouter(1, config);
        await("router 1 holds the VIP").atMost(ROUTER_START).until(() -> topology.holdsVip(1));
        topology.startRouter(2, config);
        await("router 2 runs").atMost(ROUTER_START).until(() -> topology.router(2).controlSocket().toFile().exists());
        Thread.sleep(DEADTIME.multipliedBy(3).toMillis());
        assertThat(topology.holdsVip(2)).isFalse();

        long before = rejected(1);
        String stranger = flood("stranger", "192.168.77.2");
        long afterStranger = rejected(1);
        // the same datagrams from the backup's address and heartbeat port
        Path spoof = Files.writeString(topology.dir().resolve("spoof.nft"), """
                table ip fulcrum_test_spoof {
                    chain post {
                        type nat hook postrouting priority srcnat;
                        ip daddr 192.168.77.2 udp dport %1$d snat to 192.168.77.3:%1$d
                    }
                }
                """.formatted(HEARTBEAT_PORT));
        HaTopology.run("ip", "netns", "exec", topology.ns("client"), "nft", "-f", spoof.toString());
        String spoofed = flood("spoofed", "192.168.77.2", KEY);
        long afterSpoofed = rejected(1);

        String log1 = Files.readString(topology.router(1).log(), StandardCharsets.UTF_8);
        String log2 = Files.readString(topology.router(2).log(), StandardCharsets.UTF_8);
        long longestSilence = longestSilence(log1 + log2);
        System.out.printf("FLOOD stranger: %s, rejected by router 1: %d; spoofed: %s, rejected: %d;"
                + " longest silence logged (over %d ms): %s%n", stranger, afterStranger - before, spoofed,
                afterSpoofed - afterStranger, DEADTIME.toMillis() / 2, longestSilence < 0 ? "none" : longestSilence + " ms");
        assertThat(count(log1, "becoming ACTIVE")).as("router 1 became active once, at start").isEqualTo(1);
        assertThat(count(log1, "becoming INACTIVE")).as("router 1 never stepped down").isZero();
        assertThat(count(log2, "becoming ACTIVE")).as("router 2 never took over").isZero();
        assertThat(longestSilence).as("the longest silence either router heard from its partner")
                .isLessThan(DEADTIME.toMillis());
        assertThat(afterStranger - before).as("the stranger's datagrams are dropped by the kernel").isZero();
        assertThat(afterSpoofed - afterStranger).as("the spoofed datagrams reached router 1 and were rejected")
                .isGreaterThan(RATE / 10);
        assertThat(topology.holdsVip(1) && topology.holds(1, NAT_ROUTER) && !topology.holdsVip(2)).isTrue();
        assertThat(topology.status(1)).contains("Router: primary, active").doesNotContain("DEAD");
        assertThat(topology.status(2)).contains("Router: backup, standby").doesNotContain("DEAD");
    }

    /**
     * Floods router 1 from the client for {@link #SECONDS} while watching that the VIP stays on router 1.
     *
     * @return what the flooder says it sent
     */
    private String flood(String name, String target, String... key) throws Exception {
        List<String> command = new ArrayList<>(HaTopology.helperJava(HeartbeatFlooder.class, target,
                String.valueOf(HEARTBEAT_PORT), String.valueOf(RATE), String.valueOf(SECONDS)));
        command.addAll(List.of(key));
        Process flooder = topology.spawnReadingOutput(topology.ns("client"), "flooder-" + name, command);
        while (flooder.isAlive()) {
            assertThat(topology.holdsVip(1) && !topology.holdsVip(2)).as("the VIP stays on router 1 during the flood")
                    .isTrue();
            flooder.waitFor(100, TimeUnit.MILLISECONDS);
        }
        String output = new String(flooder.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Matcher sent = SENT.matcher(output);
        assertThat(sent.find()).as("the flooder's report: " + output).isTrue();
        long datagrams = Long.parseLong(sent.group(1));
        long millis = Long.parseLong(sent.group(2));
        return "%d datagrams in %d ms (%d/s)".formatted(datagrams, millis, datagrams * 1000 / Math.max(1, millis));
    }

    private long rejected(int router) throws Exception {
        String status = topology.status(router);
        Matcher m = REJECTED.matcher(status);
        assertThat(m.find()).as(status).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long longestSilence(String logs) {
        Matcher m = SILENCE.matcher(logs);
        long longest = -1;
        while (m.find()) {
            longest = Math.max(longest, Long.parseLong(m.group(1)));
        }
        return longest;
    }

    private static int count(String log, String text) {
        return log.split(Pattern.quote(text), -1).length - 1;
    }
}
