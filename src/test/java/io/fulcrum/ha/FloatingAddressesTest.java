package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.Config;
import io.fulcrum.net.HostAddress;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prefix a floating address goes up with: its mask, or (not given, or zero as pulse read it)
 * the prefix of the device's own address that covers it, else a host address.
 */
class FloatingAddressesTest {

    private static Config config(String globals, String vip) {
        ConfigResult result = LvsConfig.parse("test.cf", globals + """
                virtual v {
                     active = 1
                     address = %s
                }
                """.formatted(vip));
        assertThat(result.errors()).isEmpty();
        return result.config().orElseThrow();
    }

    private static HostAddress own(String address, int prefix, String device) {
        return HostAddress.onDevice(InetAddress.ofLiteral(address), prefix, device);
    }

    private final RecordingNetwork host = new RecordingNetwork()
            .withDevice("eth0", own("192.168.26.2", 24, "eth0"), own("2001:db8::2", 64, "eth0"))
            .withDevice("eth1", own("10.11.0.1", 16, "eth1"), own("10.11.12.1", 24, "eth1"));

    @Test
    void anAddressIsShownAsRfc5952WritesIt() {
        assertThat(FloatingAddresses.text(own("fd77::100", 64, "eth0"))).isEqualTo("fd77::100/64 on eth0");
        assertThat(FloatingAddresses.text(own("2001:db8:0:0:1:0:0:1", 128, "eth0"))).isEqualTo("2001:db8::1:0:0:1/128 on eth0");
        assertThat(FloatingAddresses.text(own("192.168.26.100", 24, "eth0:1"))).isEqualTo("192.168.26.100/24 on eth0:1");
    }

    @Test
    void aGivenMaskIsUsed() {
        assertThat(FloatingAddresses.of(config("", "192.168.26.100 eth0:1\n     vip_nmask = 255.255.255.128"), host))
                .containsExactly(own("192.168.26.100", 25, "eth0:1"));
    }

    @Test
    void aZeroMaskTakesThePrefixOfTheDevicesOwnAddressThatCoversTheVip() {
        List<FloatingAddresses.Placement> placed = FloatingAddresses.placements(
                config("", "192.168.26.100 eth0:1\n     vip_nmask = 0.0.0.0"), host);

        assertThat(placed).singleElement().satisfies(p -> {
            assertThat(p.address()).isEqualTo(own("192.168.26.100", 24, "eth0:1"));
            assertThat(p.why()).isEqualTo("vip_nmask not given: the prefix of 192.168.26.2/24 on eth0, which covers it");
        });
    }

    @Test
    void theNarrowestCoveringAddressWinsForTheNatRouter() {
        Config config = config("network = nat\nnat_router = 10.11.12.254 eth1:1\nnat_nmask = 0.0.0.0\n",
                "192.168.26.100 eth0:1");

        assertThat(FloatingAddresses.of(config, host))
                .containsExactly(own("192.168.26.100", 24, "eth0:1"), own("10.11.12.254", 24, "eth1:1"));
    }

    @Test
    void anIpv6VipTakesTheIpv6Prefix() {
        assertThat(FloatingAddresses.of(config("", "2001:db8::100 eth0"), host))
                .containsExactly(own("2001:db8::100", 64, "eth0"));
    }

    @Test
    void noCoveringAddressOrNoDeviceMeansAHostAddress() {
        assertThat(FloatingAddresses.placements(config("", "203.0.113.7 eth0:1"), host)).singleElement()
                .satisfies(p -> {
                    assertThat(p.address()).isEqualTo(own("203.0.113.7", 32, "eth0:1"));
                    assertThat(p.why()).isEqualTo("vip_nmask not given, and no address of eth0 covers it: a host address");
                });
        assertThat(FloatingAddresses.placements(config("", "192.168.26.100 eth9:1"), host)).singleElement()
                .satisfies(p -> {
                    assertThat(p.address()).isEqualTo(own("192.168.26.100", 32, "eth9:1"));
                    assertThat(p.why()).startsWith("vip_nmask not given, and ").contains("eth9");
                });
    }

    @Test
    void theVipItselfOnTheDeviceDoesNotCoverItself() {
        // a restart while active: the VIP this router added is on eth0 already, as a /32
        host.withDevice("eth0", own("192.168.26.100", 32, "eth0:1"), own("192.168.26.2", 24, "eth0"));

        assertThat(FloatingAddresses.of(config("", "192.168.26.100 eth0:1"), host))
                .containsExactly(own("192.168.26.100", 24, "eth0:1"));
    }
}
