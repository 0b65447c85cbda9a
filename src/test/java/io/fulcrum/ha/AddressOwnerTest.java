package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.net.HostAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressOwnerTest {

    @TempDir
    Path stateDir;

    private final RecordingNetwork host = new RecordingNetwork();

    private static HostAddress vip(String address, String device) throws IOException {
        return HostAddress.onDevice(InetAddress.getByName(address), 24, device);
    }

    @Test
    void bringsUpRecordsAndTakesDownOnlyItsOwn() throws IOException {
        HostAddress vip = vip("192.168.77.100", "eth0:1");
        HostAddress operators = vip("192.168.77.200", "eth0:2");
        host.holding(operators.address(), "eth0");
        AddressOwner owner = new AddressOwner(host, stateDir.resolve("floating-addresses"));

        List<HostAddress> announced = new ArrayList<>();
        owner.bringUp(List.of(vip, operators), announced::add, () -> true);
        assertThat(host.onHost).containsKeys(vip.address(), operators.address());
        assertThat(announced).containsExactly(vip);
        assertThat(Files.readAllLines(stateDir.resolve("floating-addresses")))
                .containsExactly("192.168.77.100 24 eth0 eth0:1");
        assertThat(owner.heldSnapshot()).containsExactly(vip);

        owner.takeDownAll();
        assertThat(host.onHost).containsOnlyKeys(operators.address());
        assertThat(stateDir.resolve("floating-addresses")).doesNotExist();
    }

    @Test
    void aRestartAfterACrashRemovesTheStaleAddressesListed() throws IOException {
        HostAddress vip = vip("192.168.77.100", "eth0:1");
        HostAddress v6 = HostAddress.onDevice(InetAddress.getByName("fd77::100"), -1, "eth0");
        new AddressOwner(host, stateDir.resolve("floating-addresses")).bringUp(List.of(vip, v6), address -> { }, () -> true);
        host.holding(InetAddress.getByName("192.168.77.2"), "eth0");

        AddressOwner next = new AddressOwner(host, stateDir.resolve("floating-addresses"));
        next.removeStale();

        assertThat(host.onHost).containsOnlyKeys(InetAddress.getByName("192.168.77.2"));
        assertThat(host.log).containsExactly("add " + vip + " on host", "add " + v6 + " on host", "remove " + vip + " on host",
                "remove " + v6 + " on host");
        assertThat(stateDir.resolve("floating-addresses")).doesNotExist();
    }

    @Test
    void aTakeoverOverruledHalfwayStops() throws IOException {
        HostAddress a = vip("192.168.77.100", "eth0:1");
        HostAddress b = vip("192.168.77.101", "eth0:2");
        AddressOwner owner = new AddressOwner(host, stateDir.resolve("floating-addresses"));
        List<HostAddress> up = new ArrayList<>();
        owner.bringUp(List.of(a, b), up::add, () -> up.isEmpty());
        assertThat(up).containsExactly(a);
        assertThat(host.onHost).containsOnlyKeys(a.address());
    }

    @Test
    void keepOnlyFollowsAReload() throws IOException {
        HostAddress a = vip("192.168.77.100", "eth0:1");
        HostAddress b = vip("192.168.77.101", "eth0:2");
        AddressOwner owner = new AddressOwner(host, stateDir.resolve("floating-addresses"));
        owner.bringUp(List.of(a, b), address -> { }, () -> true);
        owner.keepOnly(List.of(b));
        assertThat(owner.held()).containsExactly(b);
        assertThat(host.onHost).containsOnlyKeys(b.address());
    }

    @Test
    void theLedgerReadsBackWhatItWrote() throws IOException {
        HostAddress v4 = vip("10.77.0.1", "eth1:1");
        HostAddress v6 = HostAddress.onDevice(InetAddress.getByName("fd77::100"), 64, "eth0");
        assertThat(AddressOwner.parse(AddressOwner.format(v4))).isEqualTo(v4);
        assertThat(AddressOwner.parse(AddressOwner.format(v6))).isEqualTo(v6);
    }

    @Test
    void anUnreadableLedgerLineIsSkipped() throws IOException {
        Files.writeString(stateDir.resolve("floating-addresses"), "example.com 24 eth0\n10.77.0.1 24 eth1 eth1:1\n");
        host.holding(InetAddress.getByName("10.77.0.1"), "eth1");
        new AddressOwner(host, stateDir.resolve("floating-addresses")).removeStale();
        assertThat(host.onHost).isEmpty();
    }
}
