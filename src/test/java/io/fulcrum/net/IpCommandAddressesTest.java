package io.fulcrum.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fulcrum.testing.NetNamespaces;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class IpCommandAddressesTest {

    private NetNamespaces net;
    private String ns;
    private Addresses addresses;

    @BeforeEach
    void namespace() {
        net = NetNamespaces.create();
        ns = net.namespace();
        String peer = net.namespace();
        net.veth(ns, "eth0", peer, "eth0");
        net.up(ns, "eth0");
        addresses = IpCommandAddresses.inNamespace(ns);
    }

    @AfterEach
    void deleteNamespaces() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void addsAnIpv4AddressWithItsAliasLabelAndTakesItOff() throws IOException {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.10"), 24, "eth0:1");

        addresses.add(vip);

        assertThat(net.ip("-n", ns, "-o", "-4", "addr", "show", "dev", "eth0"))
                .contains("inet 192.168.50.10/24 ")
                .contains(" eth0:1");
        assertThat(addresses.deviceOf(vip.address())).contains("eth0");

        addresses.remove(vip);

        assertThat(net.ip("-n", ns, "-o", "-4", "addr", "show", "dev", "eth0")).doesNotContain("192.168.50.10");
        assertThat(addresses.deviceOf(vip.address())).isEmpty();
    }

    @Test
    void addsAnIpv6AddressWithoutDuplicateAddressDetection() throws IOException {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("fd00:50::10"), 64, "eth0");

        addresses.add(vip);

        String shown = net.ip("-n", ns, "-o", "-6", "addr", "show", "dev", "eth0");
        assertThat(shown).contains("inet6 fd00:50::10/64 ").contains("nodad").doesNotContain("tentative");
        assertThat(addresses.deviceOf(InetAddress.ofLiteral("fd00:50:0:0:0:0:0:10"))).contains("eth0");

        addresses.remove(vip);

        assertThat(net.ip("-n", ns, "-o", "-6", "addr", "show", "dev", "eth0")).doesNotContain("fd00:50::10");
    }

    @Test
    void addingAnAddressThatIsAlreadyThereSaysWhere() throws IOException {
        HostAddress v4 = HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.11"), 24, "eth0");
        HostAddress v6 = HostAddress.onDevice(InetAddress.ofLiteral("fd00:50::11"), 64, "eth0");
        addresses.add(v4);
        addresses.add(v6);

        assertThatThrownBy(() -> addresses.add(v4))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("192.168.50.11/24 is already on eth0");
        assertThatThrownBy(() -> addresses.add(v6))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("fd00:50:0:0:0:0:0:11/64 is already on eth0");
    }

    @Test
    void removingAnAbsentAddressDoesNothing() throws IOException {
        addresses.remove(HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.12"), 24, "eth0"));
        addresses.remove(HostAddress.onDevice(InetAddress.ofLiteral("fd00:50::12"), 64, "eth0"));

        assertThat(net.ip("-n", ns, "-o", "addr", "show", "dev", "eth0")).doesNotContain("192.168.50.12", "fd00:50::12");
    }

    @Test
    void aMissingDeviceIsReportedWithTheCommandAndWhatIpSaid() {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.13"), 24, "eth9");

        assertThatThrownBy(() -> addresses.add(vip))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("-n " + ns + " -4 addr add 192.168.50.13/24 dev eth9")
                .hasMessageContaining("Cannot find device \"eth9\"");
    }

    @Test
    void deviceOfAnAddressNobodyHoldsIsEmpty() throws IOException {
        assertThat(addresses.deviceOf(InetAddress.ofLiteral("192.168.50.14"))).isEqualTo(Optional.empty());
        assertThat(addresses.deviceOf(InetAddress.ofLiteral("127.0.0.1"))).contains("lo");
    }

    @Test
    void anUnknownNamespaceIsReported() {
        Addresses nowhere = IpCommandAddresses.inNamespace(ns + "-gone");

        assertThatThrownBy(() -> nowhere.deviceOf(InetAddress.ofLiteral("127.0.0.1")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("-n " + ns + "-gone");
    }
}
