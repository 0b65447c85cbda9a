package io.fulcrum.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServiceKeyTest {

    @Test
    void labelsAreIpvsadms() throws Exception {
        assertThat(new ServiceKey.Address(Protocol.TCP, InetAddress.getByName("10.0.0.100"), 80).label())
                .isEqualTo("TCP  10.0.0.100:80");
        assertThat(new ServiceKey.Address(Protocol.UDP, InetAddress.getByName("2001:db8::1"), 53).label())
                .isEqualTo("UDP  [2001:db8::1]:53");
        assertThat(new ServiceKey.Fwmark(80, false).label()).isEqualTo("FWM  80");
        assertThat(new ServiceKey.Fwmark(80, true).label()).isEqualTo("FWM  80 IPv6");
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({"2001:db8:0:0:0:0:0:1, 2001:db8::1", "0:0:0:0:0:0:0:0, ::", "0:0:0:0:0:0:0:1, ::1",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1", "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "fe80:0:0:0:0:0:0:0, fe80::", "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1", "192.0.2.1, 192.0.2.1"})
    void addressTextIsRfc5952(String address, String text) throws Exception {
        assertThat(AddressText.of(InetAddress.getByName(address))).isEqualTo(text);
    }

    @Test
    void virtualServerKeyFollowsTheFwmark() throws Exception {
        InetAddress vip = InetAddress.getByName("192.0.2.10");
        VirtualServer plain = virtual(vip, 0);
        assertThat(plain.key()).isEqualTo(new ServiceKey.Address(Protocol.TCP, vip, 443));
        assertThat(virtual(InetAddress.getByName("2001:db8::10"), 7).key()).isEqualTo(new ServiceKey.Fwmark(7, true));
    }

    @Test
    void recordsRejectWhatCanNeverBeRight() throws Exception {
        InetAddress address = InetAddress.getByName("192.0.2.1");
        assertThatIllegalArgumentException().isThrownBy(() -> new RealServer("r", address, true, 65536, 80, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new RealServer("r", address, true, 1, 65536, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new RealServer("two words", address, true, 1, 80, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new StatusRange(200, 199));
        assertThatIllegalArgumentException().isThrownBy(() -> new StatusRange(600, 600));
        assertThatIllegalArgumentException().isThrownBy(() -> new ServiceKey.Fwmark(0, false));
        assertThatIllegalArgumentException().isThrownBy(() -> new Persistence(-1, OptionalInt.empty()));
        assertThatIllegalArgumentException().isThrownBy(() -> new NatRouter(address, "eth1:1", OptionalInt.of(33)));
    }

    @Test
    void listsAreCopied() throws Exception {
        InetAddress vip = InetAddress.getByName("192.0.2.10");
        List<RealServer> servers = new ArrayList<>();
        VirtualServer virtual = new VirtualServer("v", true, vip, Optional.empty(), OptionalInt.empty(), 443,
                Protocol.TCP, 0, List.of(), SchedulerKind.WLC, Set.of(), Persistence.NONE, Optional.empty(),
                HealthCheck.DEFAULT, ProxySettings.DEFAULT, LegacyVirtualKeys.NONE, servers);
        servers.add(new RealServer("r", vip, true, 1, 80, 0, 0));
        assertThat(virtual.realServers()).isEmpty();
    }

    @Test
    void persistencePrefixDefaultsToTheWholeClientAddress() {
        assertThat(Persistence.NONE.clientPrefix(false)).isEqualTo(32);
        assertThat(Persistence.NONE.clientPrefix(true)).isEqualTo(128);
        assertThat(new Persistence(300, OptionalInt.of(24)).clientPrefix(false)).isEqualTo(24);
    }

    private static VirtualServer virtual(InetAddress vip, int fwmark) {
        return new VirtualServer("v", true, vip, Optional.empty(), OptionalInt.empty(), 443, Protocol.TCP, fwmark,
                List.of(), SchedulerKind.WLC, Set.of(), Persistence.NONE, Optional.empty(), HealthCheck.DEFAULT,
                ProxySettings.DEFAULT, LegacyVirtualKeys.NONE, List.of());
    }
}
