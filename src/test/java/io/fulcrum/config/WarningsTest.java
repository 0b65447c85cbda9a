package io.fulcrum.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.fulcrum.config.ConfigTexts.MINIMAL;
import static io.fulcrum.config.ConfigTexts.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Files that are accepted but tell the user something they would not expect. */
class WarningsTest {

    /** What Fulcrum does instead of IPVS's sync daemon: nothing, and the warning says so. */
    static final String SYNCDAEMON = "ignored: Fulcrum has no connection sync daemon and nothing replaces it"
            + " (its proxy holds each connection in user space); connections open through the active router are cut"
            + " when the other router takes over, and their clients must reconnect";

    private static String withVirtualKeys(String keys) {
        return MINIMAL.replace("}", keys + "\n}");
    }

    static Stream<Arguments> warnings() {
        return Stream.of(
                arguments("backup_active without a backup", "backup_active = 1\n" + MINIMAL,
                        List.of("test.cf:1: warning: backup_active: no `backup` router is given, so backup_active is cleared")),
                arguments("VIP without a device on a router pair",
                        "primary = 10.9.9.1\nbackup_active = 1\nbackup = 10.9.9.2\n" + MINIMAL,
                        List.of("test.cf:6: warning: address: no device for 10.0.0.1: Fulcrum cannot bring the VIP up when"
                                + " this router takes over (write `address = IP DEVICE`)")),
                arguments("accept_proxy_from without accept_proxy_protocol", withVirtualKeys("accept_proxy_from = 10.0.0.9"),
                        List.of("test.cf:4: warning: accept_proxy_from: not used without accept_proxy_protocol = 1")),
                arguments("pmask without persistent", withVirtualKeys("pmask = 255.255.255.0"),
                        List.of("test.cf:4: warning: pmask: not used without persistent")),
                arguments("nat_router with direct routing", "network = direct\nnat_router = 10.0.9.1 eth1:1\n" + MINIMAL,
                        List.of("test.cf:2: warning: nat_router: not used with network = direct")),
                arguments("load monitor", withVirtualKeys("load_monitor = rup"),
                        List.of("test.cf:4: warning: load_monitor: rup: dynamic weights are not implemented yet;"
                                + " weights stay as configured")),
                arguments("heartbeat key in lvs.cf", "heartbeat_key = 0123456789abcdef\n" + MINIMAL,
                        List.of("test.cf:1: warning: heartbeat_key: whoever can read lvs.cf can forge heartbeats;"
                                + " put the key in heartbeat_key_file, a file only its owner can read")),
                arguments("sync daemon", "syncdaemon = 1\n" + MINIMAL,
                        List.of("test.cf:1: warning: syncdaemon: " + SYNCDAEMON)),
                arguments("nat_nmask without nat_router (Piranha's GUI writes it always)",
                        "network = direct\nnat_nmask = 255.255.255.0\n" + MINIMAL,
                        List.of("test.cf:2: warning: nat_nmask: not used without nat_router")),
                arguments("deadtime not above keepalive on a standalone router", "keepalive = 6\ndeadtime = 6\n" + MINIMAL,
                        List.of()),
                arguments("program with another check", withVirtualKeys("send_program = /bin/true\ncheck = tcp"),
                        List.of("test.cf:4: warning: send_program: not used with check = tcp")),
                arguments("send with an http check", withVirtualKeys("check = http\nsend = PING"),
                        List.of("test.cf:5: warning: send: not used with check = http")),
                arguments("http keys with a tcp check", withVirtualKeys("check_path = /health"),
                        List.of("test.cf:4: warning: check_path: only used with check = http or https")),
                arguments("repeated key", withVirtualKeys("port = 81\nport = 82"),
                        List.of("test.cf:5: warning: port: set again (first at line 4); the last value wins")),
                arguments("udp virtual server", withVirtualKeys("protocol = udp"), List.of()),
                arguments("fwmark without fwmark_ports under the proxy", withVirtualKeys("fwmark = 80"),
                        List.of("test.cf:4: warning: fwmark: 80: the proxy engine cannot see marks and listens on the"
                                + " fwmark_ports, but none are given: nothing listens for virtual v")),
                arguments("dh under the proxy", withVirtualKeys("scheduler = dh"),
                        List.of("test.cf:4: warning: scheduler: dh hashes the destination address, which under the"
                                + " proxy engine is always the VIP: every connection goes to the same real server"
                                + " (sh spreads clients by their address)")),
                arguments("lblc under the proxy", withVirtualKeys("scheduler = lblc"),
                        List.of("test.cf:4: warning: scheduler: lblc keeps one real server per destination address,"
                                + " which under the proxy engine is always the VIP: every connection goes to that one"
                                + " real server until it is overloaded")),
                arguments("lblcr under the proxy", withVirtualKeys("scheduler = lblcr"),
                        List.of("test.cf:4: warning: scheduler: lblcr keeps a set of real servers per destination"
                                + " address, which under the proxy engine is always the VIP: one set takes every"
                                + " connection, and grows only when its members are overloaded")),
                arguments("nothing to say", withVirtualKeys("port = 81\nscheduler = sh"), List.of()));
    }

    @Test
    void warningsAreReportedAlongsideErrors() {
        ConfigResult result = parse("syncdaemon = 1\nweight = 1\n" + MINIMAL);
        assertThat(result.errors()).extracting(Object::toString)
                .containsExactly("test.cf:2: `weight` belongs in a server block");
        assertThat(result.warnings()).extracting(Object::toString).containsExactly(
                "test.cf:1: warning: syncdaemon: " + SYNCDAEMON);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("warnings")
    void warnsAndAccepts(String name, String text, List<String> expected) {
        ConfigResult result = parse(text);
        assertThat(result.errors()).isEmpty();
        assertThat(result.config()).isPresent();
        assertThat(result.warnings()).extracting(Object::toString).containsExactlyElementsOf(expected);
    }
}
