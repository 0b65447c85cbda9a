package io.fulcrum.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The namespace plumbing the failover scenarios stand on, checked without any router running. */
@Tag("netns")
class HaTopologyTest {

    @BeforeAll
    static void needsNamespaces() {
        HaTopology.missingCapability().ifPresent(why -> Assumptions.abort("skipped: " + why));
    }

    @Test
    void wiresRealServersLinksAndHeartbeatCutsAndRemovesEverything() throws Exception {
        List<String> namespaces;
        try (HaTopology topology = HaTopology.create()) {
            namespaces = List.of(topology.ns("sw"), topology.ns("r1"), topology.ns("rs3"));
            assertThat(HaTopology.run("ip", "netns", "list")).contains(namespaces);

            // From router 1's namespace each real server answers with its name.
            try (Prober prober = Prober.start(topology, topology.ns("r1"), "10.77.0.11:80", "10.77.0.12:80", "10.77.0.13:80")) {
                Instant start = Instant.now();
                await().atMost(Duration.ofSeconds(20)).until(() -> prober.succeededSince("10.77.0.13:80", start));
                assertThat(prober.firstSuccessSince("10.77.0.11:80", start)).hasValueSatisfying(p -> {
                    assertThat(p.server()).isEqualTo("rs1");
                    assertThat(p.from()).isEqualTo(HaTopology.privateAddress(1));
                });
                assertThat(prober.firstSuccessSince("10.77.0.13:80", start)).hasValueSatisfying(p -> assertThat(p.server()).isEqualTo("rs3"));
            }

            // The client reaches both routers on IPv4 and IPv6, and learns their MACs.
            topology.spawn(topology.ns("r1"), "r1-responder", HaTopology.helperJava(NsRealServer.class, "r1", "8080"));
            topology.spawn(topology.ns("r2"), "r2-responder", HaTopology.helperJava(NsRealServer.class, "r2", "8080"));
            String r2v4 = "192.168.77.3:8080";
            try (Prober prober = Prober.start(topology, topology.ns("client"), r2v4, "[fd77::2]:8080")) {
                Instant start = Instant.now();
                await().atMost(Duration.ofSeconds(20)).until(() -> prober.succeededSince(r2v4, start)
                        && prober.succeededSince("[fd77::2]:8080", start));
                assertThat(prober.firstSuccessSince(r2v4, start)).hasValueSatisfying(p -> assertThat(p.answer()).isEqualTo("r2 " + HaTopology.CLIENT_ADDRESS));
                assertThat(topology.clientNeighbourMac("192.168.77.3")).contains(topology.routerMac(2));
                assertThat(topology.clientNeighbourMac("fd77::2")).contains(topology.routerMac(1));
                assertThat(topology.routerMac(1)).isNotEqualTo(topology.routerMac(2));

                // A cut public link stops the service of router 2; restored, it answers again.
                topology.cutLink(2, "eth0");
                Instant cut = Instant.now();
                Thread.sleep(300);
                assertThat(prober.succeededSince(r2v4, cut.plusMillis(100))).isFalse();
                topology.restoreLink(2, "eth0");
                Instant restored = Instant.now();
                await().atMost(Duration.ofSeconds(5)).until(() -> prober.succeededSince(r2v4, restored));

                if (HaTopology.hasNft()) {
                    // Dropping heartbeats leaves everything else through.
                    topology.dropHeartbeats(2, 539, "eth0", "eth1");
                    assertThat(HaTopology.run("ip", "netns", "exec", topology.ns("r2"), "nft", "list", "ruleset"))
                            .contains("udp dport 539 drop");
                    Instant dropping = Instant.now();
                    await().atMost(Duration.ofSeconds(5)).until(() -> prober.succeededSince(r2v4, dropping));
                    topology.allowHeartbeats(2);
                    assertThat(HaTopology.run("ip", "netns", "exec", topology.ns("r2"), "nft", "list", "ruleset"))
                            .doesNotContain("539");
                }
            }

            assertThat(HaTopology.pairConfig(Map.of("keepalive", "0.1", "deadtime", "0.4")))
                    .contains("\nkeepalive = 0.1\n", "\ndeadtime = 0.4\n", "virtual web6");
            assertThat(HaTopology.pairConfig(Collections.singletonMap("keepalive", null)))
                    .doesNotContain("\nkeepalive =").contains("\ndeadtime = 0.6\n");
        }
        assertThat(HaTopology.run("ip", "netns", "list")).doesNotContain(namespaces);
    }
}
