package io.fulcrum.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fulcrum.testing.InNamespace;
import io.fulcrum.testing.NetNamespaces;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Router A announces an address to B, which has a neighbour entry for it at another MAC. */
@Tag("netns")
class PacketAnnouncerTest {

    private static final String OLD_MAC = "02:00:00:00:00:99";

    private NetNamespaces net;
    private String a;
    private String b;

    @BeforeEach
    void twoHostsOnAWire() {
        net = NetNamespaces.create();
        a = net.namespace();
        b = net.namespace();
        net.veth(a, "va", b, "vb");
        net.address(a, "va", "10.77.0.1/24");
        net.address(b, "vb", "10.77.0.2/24");
        net.address(a, "va", "fd00:77::1/64");
        net.address(b, "vb", "fd00:77::2/64");
        net.up(a, "va");
        net.up(b, "vb");
        // Until the kernel's link watch has run, a new link's queue silently drops what is sent.
        await().atMost(Duration.ofSeconds(5)).until(() ->
                net.ip("-n", a, "-o", "link", "show", "dev", "va").contains("state UP")
                        && net.ip("-n", b, "-o", "link", "show", "dev", "vb").contains("state UP"));
    }

    @AfterEach
    void deleteNamespaces() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void aGratuitousArpMovesTheNeighbourEntryToTheAnnouncersMac() throws Exception {
        assertAnnouncementMovesEntry("10.77.0.100", "reachable");
        assertAnnouncementMovesEntry("10.77.0.101", "stale");
    }

    @Test
    void anUnsolicitedNeighbourAdvertisementMovesTheNeighbourEntryToTheAnnouncersMac() throws Exception {
        assertAnnouncementMovesEntry("fd00:77::100", "reachable");
        assertAnnouncementMovesEntry("fd00:77::101", "stale");
    }

    @Test
    void aMissingDeviceIsNamedWithTheAddress() {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("10.77.0.100"), 24, "eth7");

        assertThatThrownBy(() -> InNamespace.run(a, () -> announce(vip)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("10.77.0.100")
                .hasMessageContaining("eth7")
                .hasMessageContaining("No such device");
    }

    @Test
    void loopbackIsRefusedAsNotEthernet() {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("127.0.0.2"), 8, "lo");

        assertThatThrownBy(() -> InNamespace.run(a, () -> announce(vip)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lo is not an Ethernet device");
    }

    @Test
    void aDownDeviceIsReported() {
        net.down(a, "va");
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("10.77.0.100"), 24, "va");

        assertThatThrownBy(() -> InNamespace.run(a, () -> announce(vip)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot announce 10.77.0.100 on va")
                .hasMessageContaining("sendto");
    }

    private void assertAnnouncementMovesEntry(String address, String state) throws Exception {
        net.ip("-n", b, "neigh", "replace", address, "lladdr", OLD_MAC, "dev", "vb", "nud", state);
        assertThat(net.ip("-n", b, "neigh", "show", address, "dev", "vb")).contains(OLD_MAC);
        String macOfA = net.mac(a, "va");
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral(address), -1, "va");

        InNamespace.run(a, () -> announce(vip));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(net.ip("-n", b, "neigh", "show", address, "dev", "vb")).contains(macOfA));
    }

    private static Void announce(HostAddress address) throws IOException {
        try (Announcer announcer = new PacketAnnouncer()) {
            announcer.announce(address);
        }
        return null;
    }
}
