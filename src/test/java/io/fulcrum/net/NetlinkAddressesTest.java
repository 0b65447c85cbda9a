package io.fulcrum.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fulcrum.testing.InNamespace;
import io.fulcrum.testing.NetNamespaces;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each call runs on a thread inside the test namespace, as the sockets it opens must. */
@Tag("netns")
class NetlinkAddressesTest {

    private final Addresses addresses = new NetlinkAddresses();
    private NetNamespaces net;
    private String ns;

    @BeforeEach
    void namespace() {
        net = NetNamespaces.create();
        ns = net.namespace();
        String peer = net.namespace();
        net.veth(ns, "eth0", peer, "eth0");
        net.up(ns, "eth0");
    }

    @AfterEach
    void deleteNamespaces() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void addsAnIpv4AddressWithItsAliasLabelAndTakesItOff() throws Exception {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.10"), 24, "eth0:1");

        inNamespace(() -> {
            addresses.add(vip);
            return null;
        });

        // what `ip addr add 192.168.50.10/24 dev eth0 label eth0:1` leaves: no broadcast, scope global
        assertThat(net.ip("-n", ns, "-o", "-4", "addr", "show", "dev", "eth0"))
                .contains("inet 192.168.50.10/24 scope global eth0:1")
                .doesNotContain("brd");
        assertThat(inNamespace(() -> addresses.deviceOf(vip.address()))).contains("eth0");

        inNamespace(() -> {
            addresses.remove(vip);
            return null;
        });

        assertThat(net.ip("-n", ns, "-o", "-4", "addr", "show", "dev", "eth0")).doesNotContain("192.168.50.10");
        assertThat(inNamespace(() -> addresses.deviceOf(vip.address()))).isEmpty();
    }

    @Test
    void addsAnIpv4AddressWithoutALabelUnderTheDeviceName() throws Exception {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.15"), 32, "eth0");

        inNamespace(() -> {
            addresses.add(vip);
            return null;
        });

        assertThat(net.ip("-n", ns, "-o", "-4", "addr", "show", "dev", "eth0"))
                .contains("inet 192.168.50.15/32 scope global eth0");
    }

    @Test
    void addsAnIpv6AddressWithoutDuplicateAddressDetection() throws Exception {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("fd00:50::10"), 64, "eth0");

        inNamespace(() -> {
            addresses.add(vip);
            return null;
        });

        String shown = net.ip("-n", ns, "-o", "-6", "addr", "show", "dev", "eth0");
        assertThat(shown).contains("inet6 fd00:50::10/64 scope global nodad").doesNotContain("tentative");
        assertThat(inNamespace(() -> addresses.deviceOf(InetAddress.ofLiteral("fd00:50:0:0:0:0:0:10"))))
                .contains("eth0");

        inNamespace(() -> {
            addresses.remove(vip);
            return null;
        });

        assertThat(net.ip("-n", ns, "-o", "-6", "addr", "show", "dev", "eth0")).doesNotContain("fd00:50::10");
        assertThat(inNamespace(() -> addresses.deviceOf(vip.address()))).isEmpty();
    }

    @Test
    void anIpv6AddressIsRoutedOnlyOnceItsLocalRouteIsInAndNoLongerOnceRemoved() throws Exception {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("fd00:50::11"), 64, "eth0");
        HostAddress other = HostAddress.onDevice(InetAddress.ofLiteral("fd00:50::12"), 64, "eth0");
        HostAddress elsewhere = new HostAddress(vip.address(), 128, "lo", Optional.empty());
        assertThat(inNamespace(() -> addresses.routed(vip))).isFalse();
        inNamespace(() -> {
            addresses.add(vip);
            return null;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> inNamespace(() -> addresses.routed(vip)));
        assertThat(net.ip("-n", ns, "-6", "route", "show", "table", "local")).contains("local fd00:50::11 dev eth0");
        assertThat(inNamespace(() -> addresses.routed(other))).as("another address").isFalse();
        assertThat(inNamespace(() -> addresses.routed(elsewhere))).as("the same address on another device").isFalse();
        inNamespace(() -> {
            addresses.remove(vip);
            return null;
        });
        assertThat(inNamespace(() -> addresses.routed(vip))).isFalse();
        assertThat(inNamespace(() -> addresses.routed(HostAddress.onDevice(InetAddress.ofLiteral("10.9.0.1"), 24, "eth0"))))
                .as("IPv4 is routed as soon as it is added: nothing to wait for").isTrue();
    }

    @Test
    void addingAnAddressThatIsAlreadyThereSaysWhere() throws Exception {
        HostAddress v4 = HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.11"), 24, "eth0");
        HostAddress v6 = HostAddress.onDevice(InetAddress.ofLiteral("fd00:50::11"), 64, "eth0");
        inNamespace(() -> {
            addresses.add(v4);
            addresses.add(v6);
            return null;
        });

        assertThatThrownBy(() -> inNamespace(() -> {
            addresses.add(v4);
            return null;
        })).isInstanceOf(AddressExistsException.class).hasMessageStartingWith("192.168.50.11/24 is already on eth0");
        assertThatThrownBy(() -> inNamespace(() -> {
            addresses.add(v6);
            return null;
        })).isInstanceOf(AddressExistsException.class).hasMessageStartingWith("fd00:50:0:0:0:0:0:11/64 is already on eth0");
    }

    @Test
    void removingAnAbsentAddressDoesNothing() throws Exception {
        inNamespace(() -> {
            addresses.remove(HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.12"), 24, "eth0"));
            addresses.remove(HostAddress.onDevice(InetAddress.ofLiteral("fd00:50::12"), 64, "eth0"));
            return null;
        });

        assertThat(net.ip("-n", ns, "-o", "addr", "show", "dev", "eth0")).doesNotContain("192.168.50.12", "fd00:50::12");
    }

    @Test
    void removingWithAnotherPrefixLengthLeavesTheAddress() throws Exception {
        net.address(ns, "eth0", "192.168.50.16/24");

        inNamespace(() -> {
            addresses.remove(HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.16"), 32, "eth0"));
            return null;
        });

        assertThat(net.ip("-n", ns, "-o", "-4", "addr", "show", "dev", "eth0")).contains("192.168.50.16/24");
    }

    @Test
    void aMissingDeviceIsReportedWithTheAddressAndTheDevice() {
        HostAddress vip = HostAddress.onDevice(InetAddress.ofLiteral("192.168.50.13"), 24, "eth9");

        assertThatThrownBy(() -> inNamespace(() -> {
            addresses.add(vip);
            return null;
        })).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot add 192.168.50.13/24 on eth9: this network namespace has no device eth9");
        assertThatThrownBy(() -> inNamespace(() -> {
            addresses.remove(vip);
            return null;
        })).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot remove 192.168.50.13/24 on eth9: this network namespace has no device eth9");
    }

    @Test
    void whatTheKernelRefusesIsReportedWithItsReason() {
        // a label longer than IFNAMSIZ - 1 passes HostAddress but not the kernel's attribute policy
        HostAddress vip = new HostAddress(InetAddress.ofLiteral("192.168.50.17"), 24, "eth0",
                Optional.of("eth0:verylonglabel"));

        assertThatThrownBy(() -> inNamespace(() -> {
            addresses.add(vip);
            return null;
        })).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot add 192.168.50.17/24 on eth0:verylonglabel: the kernel said ");
    }

    @Test
    void deviceOfAnAddressNobodyHoldsIsEmpty() throws Exception {
        assertThat(inNamespace(() -> addresses.deviceOf(InetAddress.ofLiteral("192.168.50.14")))).isEmpty();
        assertThat(inNamespace(() -> addresses.deviceOf(InetAddress.ofLiteral("127.0.0.1")))).contains("lo");
    }

    @Test
    void deviceOfSeesTheNamespaceOfTheCallingThreadOnly() throws Exception {
        net.address(ns, "eth0", "192.168.50.18/24");
        net.address(ns, "eth0", "fd00:50::18/64");

        assertThat(inNamespace(() -> addresses.deviceOf(InetAddress.ofLiteral("fd00:50::18")))).contains("eth0");
        assertThat(addresses.deviceOf(InetAddress.ofLiteral("192.168.50.18"))).isEmpty();
        assertThat(addresses.deviceOf(InetAddress.ofLiteral("fd00:50::18"))).isEmpty();
    }

    @Test
    void listsTheDevicesOwnAddressesWithPrefixesAndLabels() throws Exception {
        net.address(ns, "eth0", "192.168.50.2/24");
        net.ip("-n", ns, "addr", "add", "10.7.0.1/16", "dev", "eth0", "label", "eth0:3");
        net.address(ns, "eth0", "fd00:50::2/64");

        List<HostAddress> own = inNamespace(() -> addresses.on("eth0"));

        assertThat(own).contains(
                new HostAddress(InetAddress.ofLiteral("192.168.50.2"), 24, "eth0", Optional.empty()),
                new HostAddress(InetAddress.ofLiteral("10.7.0.1"), 16, "eth0", Optional.of("eth0:3")),
                new HostAddress(InetAddress.ofLiteral("fd00:50::2"), 64, "eth0", Optional.empty()));
        assertThat(own).noneMatch(a -> a.address().isLoopbackAddress());
        assertThatThrownBy(() -> inNamespace(() -> addresses.on("eth7")))
                .hasMessageContaining("no device eth7");
    }

    private <T> T inNamespace(Callable<T> task) throws Exception {
        return InNamespace.run(ns, task);
    }
}
