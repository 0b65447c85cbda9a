package io.fulcrum.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fulcrum.testing.InNamespace;
import io.fulcrum.testing.NetNamespaces;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The nftables side of second chance, for real in a namespace: what each call installs, that it
 * removes it again, and that the reverse-path filter is put back. The packets themselves are
 * followed end to end in FailoverScenarioTest's planned switches.
 */
@Tag("netns")
class NftSecondChanceTest {

    private NetNamespaces namespaces;

    @AfterEach
    void tearDown() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    void theLinkLocalAddressOfAMacIsItsEui64() throws Exception {
        assertThat(NftSecondChance.eui64LinkLocal("52:54:00:12:34:56"))
                .isEqualTo(InetAddress.getByName("fe80::5054:ff:fe12:3456"));
        assertThat(NftSecondChance.eui64LinkLocal("02:00:00:00:00:01"))
                .isEqualTo(InetAddress.getByName("fe80::ff:fe00:1"));
    }

    @Test
    void forwardingRulesComeAndGoWhole() throws Exception {
        String ns = namespaceWithLink();
        NftSecondChance secondChance = new NftSecondChance();
        InNamespace.run(ns, () -> {
            secondChance.forward(List.of(InetAddress.getByName("192.0.2.100"), InetAddress.getByName("2001:db8::100")),
                    InetAddress.getByName("198.51.100.2"), "p0");
            return null;
        });
        String rules = nft(ns);
        assertThat(rules).contains("table ip fulcrum_second_chance", "ip daddr 192.0.2.100 tcp flags ! syn ct state new",
                "dup to 198.51.100.2 device \"p0\" drop", "tcp flags fin,rst ct state invalid");
        // the partner's MAC (a neighbour entry made by hand here, by heartbeats in a pair) carries IPv6
        assertThat(rules).contains("table ip6 fulcrum_second_chance", "ip6 daddr 2001:db8::100",
                "dup to fe80::5054:ff:fe00:2 device \"p0\" drop");
        assertThat(namespaces.ip("-n", ns, "-6", "neigh", "show", "dev", "p0")).contains("fe80::5054:ff:fe00:2",
                "PERMANENT");
        InNamespace.run(ns, () -> {
            secondChance.stopForwarding();
            return null;
        });
        assertThat(nft(ns)).doesNotContain("fulcrum_second_chance");
        assertThat(namespaces.ip("-n", ns, "-6", "neigh", "show", "dev", "p0")).doesNotContain("fe80::5054:ff:fe00:2");
    }

    @Test
    void silenceDropsArpForTheAddressesAndLoosensAStrictReversePathFilterUntilUndone() throws Exception {
        String ns = namespaceWithLink();
        NftSecondChance secondChance = new NftSecondChance();
        InNamespace.run(ns, () -> {
            Files.writeString(Path.of("/proc/sys/net/ipv4/conf/p0/rp_filter"), "1");
            secondChance.silence(List.of(InetAddress.getByName("192.0.2.100"), InetAddress.getByName("2001:db8::100")),
                    "p0");
            return null;
        });
        assertThat(nft(ns)).contains("table arp fulcrum_silence", "arp daddr ip 192.0.2.100 drop",
                "arp saddr ip 192.0.2.100 drop");
        assertThat(rpFilter(ns)).isEqualTo("2");
        InNamespace.run(ns, () -> {
            secondChance.unsilence();
            return null;
        });
        assertThat(nft(ns)).doesNotContain("fulcrum_silence");
        assertThat(rpFilter(ns)).isEqualTo("1");
    }

    @Test
    void staleRulesOfACrashedRunAreRemovedAndNoneIsNoError() throws Exception {
        String ns = namespaceWithLink();
        InNamespace.run(ns, () -> {
            NftSecondChance crashed = new NftSecondChance();
            crashed.forward(List.of(InetAddress.getByName("192.0.2.100")), InetAddress.getByName("198.51.100.2"), "p0");
            crashed.silence(List.of(InetAddress.getByName("192.0.2.101")), "p0");
            new NftSecondChance().removeStale();
            new NftSecondChance().removeStale();
            return null;
        });
        assertThat(nft(ns)).doesNotContain("fulcrum_");
    }

    /** A namespace with device p0 (198.51.100.1/24, the partner 198.51.100.2 at 52:54:00:00:00:02). */
    private String namespaceWithLink() {
        assumeTrue(hasNft(), "skipped: nft is not installed (apt-get install nftables)");
        namespaces = NetNamespaces.create();
        String ns = namespaces.namespace();
        String peer = namespaces.namespace();
        namespaces.veth(ns, "p0", peer, "p1");
        namespaces.up(ns, "p0");
        namespaces.address(ns, "p0", "198.51.100.1/24");
        namespaces.ip("-n", ns, "neigh", "replace", "198.51.100.2", "lladdr", "52:54:00:00:00:02", "dev", "p0",
                "nud", "permanent");
        return ns;
    }

    private String nft(String ns) {
        return namespaces.ip("netns", "exec", ns, "nft", "list", "ruleset");
    }

    private String rpFilter(String ns) throws Exception {
        return InNamespace.run(ns, () -> Files.readString(Path.of("/proc/sys/net/ipv4/conf/p0/rp_filter")).strip());
    }

    private static boolean hasNft() {
        return List.of("/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft").stream().anyMatch(p -> Files.isExecutable(Path.of(p)));
    }
}
