package io.fulcrum.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.fulcrum.config.ConfigTexts.MINIMAL;
import static io.fulcrum.config.ConfigTexts.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Files that must be rejected, each with the exact diagnostics a user sees. */
class BadFilesTest {

    /** A router pair, where the heartbeat timers matter. */
    private static final String PAIR = "primary = 10.9.9.1\nbackup_active = 1\nbackup = 10.9.9.2\n";

    /** A keepalived.conf (comment, global_defs, then the LVS part): every line of it is wrong in an lvs.cf. */
    private static final String KEEPALIVED = """
            ! Configuration File for keepalived
            global_defs {
               router_id LVS_DEVEL
            }
            virtual_server 192.168.200.100 443 {
                delay_loop 6
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 192.168.201.100 443 {
                    weight 1
                    TCP_CHECK {
                        connect_timeout 3
                    }
                }
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
            }
            """;

    /** A virtual block with one real server; virtual keys start at line 4, server keys at line 8. */
    private static String virtual(String virtualKeys, String serverKeys) {
        return "virtual v {\n active = 1\n address = 10.0.0.1 eth0:1\n" + virtualKeys
                + "\n server s {\n  address = 10.0.1.1\n  active = 1\n" + serverKeys + "\n }\n}\n";
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                arguments("weight out of range", virtual("", "weight = 70000"),
                        List.of("test.cf:8: weight: 70000 is out of range 0..65535")),
                arguments("negative weight", virtual("", "weight = -1"),
                        List.of("test.cf:8: weight: -1 is out of range 0..65535")),
                arguments("misspelt key", virtual("", "wieght = 3"),
                        List.of("test.cf:8: unknown key `wieght`; did you mean `weight`?")),
                arguments("prefix of a key", virtual("sched = rr", ""),
                        List.of("test.cf:4: unknown key `sched`; did you mean `scheduler`?")),
                arguments("key of another scope", virtual("weight = 3", ""),
                        List.of("test.cf:4: `weight` belongs in a server block")),
                arguments("virtual key in the globals", "timeout = 5\n" + MINIMAL,
                        List.of("test.cf:1: `timeout` belongs in a virtual block or a failover block")),
                arguments("unknown key", "frobnicate = 1\n" + MINIMAL,
                        List.of("test.cf:1: unknown key `frobnicate`")),
                arguments("unterminated quote", virtual("send = \"GET /", ""),
                        List.of("test.cf:4: send: unterminated quote \"")),
                arguments("extra arguments", virtual("port = 80 81", ""),
                        List.of("test.cf:4: port: extra arguments: 81")),
                arguments("missing value", virtual("port =", ""),
                        List.of("test.cf:4: port: missing value")),
                arguments("missing equals", virtual("port 80", ""),
                        List.of("test.cf:4: port: expected `port = value`")),
                arguments("missing key", virtual("= 80", ""),
                        List.of("test.cf:4: missing key before `=`")),
                arguments("not a number", virtual("", "weight = heavy"),
                        List.of("test.cf:8: weight: `heavy` is not a number")),
                arguments("bad boolean", virtual("active = 2", ""),
                        List.of("test.cf:4: active: expected 0 or 1, got `2`")),
                arguments("port out of range", virtual("port = 70000", ""),
                        List.of("test.cf:4: port: 70000 is out of range 0..65535")),
                arguments("unknown port name", virtual("port = no-such-service", ""),
                        List.of("test.cf:4: port: `no-such-service` is neither a port number nor a tcp service"
                                + " in /etc/services")),
                arguments("unknown scheduler", virtual("scheduler = fastest", ""),
                        List.of("test.cf:4: scheduler: unknown scheduler `fastest`; valid: rr, wrr, lc, wlc, lblc,"
                                + " lblcr, dh, sh, sed, nq, fo, ovf, mh")),
                arguments("flag of another scheduler", virtual("scheduler = mh\nscheduler_flags = sh-port", ""),
                        List.of("test.cf:5: scheduler_flags: `sh-port` needs scheduler = sh, not mh")),
                arguments("unknown flag", virtual("scheduler_flags = sh-port,fast", ""),
                        List.of("test.cf:4: scheduler_flags: unknown flag `fast`; valid: sh-fallback, sh-port,"
                                + " mh-fallback, mh-port")),
                arguments("real server without address", "virtual v {\n active = 1\n address = 10.0.0.1\n"
                                + " server s {\n  active = 1\n }\n}\n",
                        List.of("test.cf:4: address: missing in server s")),
                arguments("virtual server without address", "virtual v {\n active = 1\n}\n",
                        List.of("test.cf:1: address: missing in virtual v")),
                arguments("no active virtual server", "virtual v {\n address = 10.0.0.1\n}\n",
                        List.of("test.cf: no active virtual server: set `active = 1` in at least one virtual block")),
                arguments("bad netmask", virtual("vip_nmask = 255.0.255.0", ""),
                        List.of("test.cf:4: vip_nmask: bad netmask `255.0.255.0`: the one bits must be contiguous")),
                arguments("prefix too long for IPv4", virtual("vip_nmask = /40", ""),
                        List.of("test.cf:4: vip_nmask: bad netmask /40 for the IPv4 address 10.0.0.1")),
                arguments("prefix too long", virtual("pmask = /129", ""),
                        List.of("test.cf:4: pmask: bad netmask `/129`: a prefix length is 0..128")),
                arguments("threshold order", virtual("", "u_threshold = 100\nl_threshold = 200"),
                        List.of("test.cf:9: l_threshold: 200 must not be above u_threshold (100)")),
                arguments("lower threshold without upper", virtual("", "l_threshold = 5"),
                        List.of("test.cf:8: l_threshold: 5 must not be above u_threshold (0)")),
                arguments("sorry server host name", virtual("sorry_server = localhost", ""),
                        List.of("test.cf:4: sorry_server: must be an IP address, not `localhost`")),
                arguments("unresolvable host", virtual("", "").replace("10.0.1.1", "no-such-host.invalid"),
                        List.of("test.cf:6: address: cannot resolve host name `no-such-host.invalid`")),
                arguments("bad address", virtual("", "").replace("10.0.1.1", "10.0.1.300"),
                        List.of("test.cf:6: address: `10.0.1.300` is not a valid IP address")),
                arguments("keepalive zero", "keepalive = 0\n" + MINIMAL,
                        List.of("test.cf:1: keepalive: must be greater than 0")),
                arguments("deadtime not above keepalive in a pair", "keepalive = 3\ndeadtime = 3\n" + PAIR + MINIMAL,
                        List.of("test.cf:2: deadtime: deadtime (3) must be greater than keepalive (3)")),
                arguments("keepalive above deadtime in a pair", "keepalive = 6\ndeadtime = 5\n" + PAIR + MINIMAL,
                        List.of("test.cf:2: deadtime: deadtime (5) must be greater than keepalive (6)")),
                arguments("a key with a no-break space", virtual("port\u00A0= 80", ""),
                        List.of("test.cf:4: unknown key `port<U+00A0 NO-BREAK SPACE>`; did you mean `port`?")),
                arguments("a value with a zero-width space", virtual("port = 80\u200B", ""),
                        List.of("test.cf:4: port: `80<U+200B ZERO WIDTH SPACE>` is neither a port number nor a tcp"
                                + " service in /etc/services")),
                arguments("a keepalived.conf", KEEPALIVED,
                        List.of("test.cf:2: this is a keepalived.conf (`global_defs ... {` at line 2), not an"
                                + " lvs.cf: Fulcrum reads Piranha's lvs.cf; rewrite it as lvs.cf (docs/lvs.cf.md):"
                                + " a virtual_server is a `virtual NAME {` block, a real_server a `server NAME {`"
                                + " block in it, and the two routers are `primary`, `backup` and `backup_active = 1`"
                                + " instead of vrrp_instance")),
                arguments("timeout zero", virtual("timeout = 0", ""),
                        List.of("test.cf:4: timeout: 0 must be at least 1")),
                arguments("nft engine", "engine = nft\n" + MINIMAL,
                        List.of("test.cf:1: engine: nft: the nftables engine does not exist yet; use engine = proxy"
                                + " (the default)")),
                arguments("http check on udp", virtual("protocol = udp\ncheck = http", ""),
                        List.of("test.cf:5: check: http needs protocol = tcp")),
                arguments("program check without program", virtual("check = program", ""),
                        List.of("test.cf:4: check: program needs send_program")),
                arguments("status outside 100..599", virtual("check = http\ncheck_status = 200,700", ""),
                        List.of("test.cf:5: check_status: 700 is outside 100..599")),
                arguments("check path", virtual("check = http\ncheck_path = health", ""),
                        List.of("test.cf:5: check_path: `health` must start with /")),
                arguments("interval zero", virtual("check_interval = 0", ""),
                        List.of("test.cf:4: check_interval: must be greater than 0")),
                arguments("unknown proxy_protocol", virtual("proxy_protocol = v3", ""),
                        List.of("test.cf:4: proxy_protocol: unknown value `v3`; expected off, v1, v2")),
                arguments("accept_proxy_protocol without its fronts", virtual("accept_proxy_protocol = 1", ""),
                        List.of("test.cf:4: accept_proxy_protocol: needs accept_proxy_from: the addresses of the front"
                                + " balancers trusted to name the client")),
                arguments("a front that is not an address", virtual("accept_proxy_protocol = 1\n"
                                + "accept_proxy_from = 10.0.0.9 lb1", ""),
                        List.of("test.cf:5: accept_proxy_from: `lb1` is not an IP address")),
                arguments("a prefix too long", virtual("accept_proxy_protocol = 1\naccept_proxy_from = 10.0.0.0/33", ""),
                        List.of("test.cf:5: accept_proxy_from: bad prefix length in `10.0.0.0/33`: 0..32")),
                arguments("a prefix with host bits", virtual("accept_proxy_protocol = 1\n"
                                + "accept_proxy_from = 2001:db8::1/64", ""),
                        List.of("test.cf:5: accept_proxy_from: `2001:db8::1/64` has bits set beyond its prefix length")),
                arguments("PROXY protocol on udp", virtual("protocol = udp\nproxy_protocol = v2", ""),
                        List.of("test.cf:5: proxy_protocol: needs protocol = tcp")),
                arguments("negative seconds", virtual("drain_timeout = -1", ""),
                        List.of("test.cf:4: drain_timeout: -1 must not be negative")),
                arguments("short heartbeat key", "heartbeat_key = \"grüße 1234567\"\n" + MINIMAL,
                        List.of("test.cf:1: heartbeat_key: 15 bytes, fewer than 16: set a long random secret"
                                + " (openssl rand -hex 32)")),
                arguments("heartbeat key twice", "heartbeat_key = s3cret-0123456789\nheartbeat_key_file = /etc/fulcrum/key\n"
                                + MINIMAL,
                        List.of("test.cf:2: heartbeat_key_file: set heartbeat_key or heartbeat_key_file, not both")),
                arguments("regex that does not compile", virtual("expect = \"HTTP/1.[01\"\nuse_regex = 1", ""),
                        List.of("test.cf:4: expect: not a valid regular expression: Unclosed character class")),
                arguments("service fos", "service = fos\n" + MINIMAL,
                        List.of("test.cf:1: Fulcrum does not run failover services (service = fos); use service ="
                                + " lvs with virtual servers (failover blocks are kept but not run)")),
                arguments("nat_router without device", "nat_router = 10.0.9.1\n" + MINIMAL,
                        List.of("test.cf:1: nat_router: expected `nat_router = IP DEVICE`")),
                arguments("primary needed with a backup", "backup_active = 1\nbackup = 10.9.9.2\n" + MINIMAL,
                        List.of("test.cf:1: primary: required when backup_active = 1")),
                arguments("fwmark_ports without fwmark", virtual("fwmark_ports = 80 443", ""),
                        List.of("test.cf:4: fwmark_ports: needs fwmark")),
                arguments("fwmark port 0", virtual("fwmark = 21\nfwmark_ports = 21 0", ""),
                        List.of("test.cf:5: fwmark_ports: port 0: a client cannot connect to it")),
                arguments("fwmark port above 65535", virtual("fwmark = 21\nfwmark_ports = 21, 30000-65536", ""),
                        List.of("test.cf:5: fwmark_ports: 65536 is out of range 0..65535")),
                arguments("fwmark range backwards", virtual("fwmark = 21\nfwmark_ports = 21 30999-30000", ""),
                        List.of("test.cf:5: fwmark_ports: range `30999-30000` ends before it starts")),
                arguments("fwmark ranges that overlap", virtual("fwmark = 21\nfwmark_ports = 21 30000-30999 30900-31099", ""),
                        List.of("test.cf:5: fwmark_ports: `30900-31099` overlaps `30000-30999` (port 30900)")),
                arguments("fwmark port inside a range", virtual("fwmark = 21\nfwmark_ports = 30000-30999, 30100", ""),
                        List.of("test.cf:5: fwmark_ports: `30100` overlaps `30000-30999` (port 30100)")),
                arguments("fwmark port twice", virtual("fwmark = 21\nfwmark_ports = 21 21", ""),
                        List.of("test.cf:5: fwmark_ports: `21` is given twice")),
                arguments("server block outside a virtual block", "server s {\n address = 10.0.1.1\n}\n" + MINIMAL,
                        List.of("test.cf:1: server s: a server block belongs in a virtual block")),
                arguments("missing brace", "virtual v {\n active = 1\n address = 10.0.0.1\n",
                        List.of("test.cf:1: virtual v: missing `}`")),
                arguments("unmatched brace", MINIMAL + "}\n",
                        List.of("test.cf:5: unmatched `}`")),
                arguments("malformed header", "virtual v\n active = 1\n address = 10.0.0.1\n}\n",
                        List.of("test.cf:1: virtual: expected `virtual NAME {`")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsExactly(String name, String text, List<String> expected) {
        ConfigResult result = parse(text);
        assertThat(result.ok()).isFalse();
        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).extracting(Object::toString).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> clashes() {
        return Stream.of(
                arguments("same VIP, port and protocol", """
                                virtual a {
                                     active = 1
                                     address = 10.0.0.1 eth0:1
                                }
                                virtual b {
                                     active = 1
                                     address = 10.0.0.1 eth0:1
                                }
                                """,
                        List.of("test.cf:5: virtual b: TCP  10.0.0.1:80 is already virtual a (line 1)")),
                arguments("same fwmark", """
                                virtual a {
                                     active = 1
                                     address = 10.0.0.1
                                     fwmark = 7
                                }
                                virtual b {
                                     active = 1
                                     address = 10.0.0.2
                                     fwmark = 7
                                }
                                """,
                        List.of("test.cf:9: fwmark: FWM  7 is already virtual a (line 1)")),
                arguments("fwmark port on a plain service", """
                                virtual web {
                                     active = 1
                                     address = 10.0.0.1
                                     port = 443
                                }
                                virtual bundle {
                                     active = 1
                                     address = 10.0.0.1
                                     fwmark = 80
                                     fwmark_ports = 80,443
                                }
                                """,
                        List.of("test.cf:10: fwmark_ports: TCP  10.0.0.1:443 is already virtual web (line 1)")),
                arguments("two fwmark ranges that share ports", """
                                virtual ftp {
                                     active = 1
                                     address = 10.0.0.1
                                     fwmark = 21
                                     fwmark_ports = 21 30000-30999
                                }
                                virtual ftps {
                                     active = 1
                                     address = 10.0.0.1
                                     fwmark = 990
                                     fwmark_ports = 990 30500-31499
                                }
                                """,
                        List.of("test.cf:11: fwmark_ports: TCP  10.0.0.1:30500 is already virtual ftp (line 1)")),
                arguments("same real server twice", """
                                virtual v {
                                     active = 1
                                     address = 10.0.0.1
                                     server a {
                                          address = 10.0.1.1
                                          active = 1
                                     }
                                     server b {
                                          address = 10.0.1.1
                                          port = 80
                                          active = 1
                                     }
                                }
                                """,
                        List.of("test.cf:8: server b: 10.0.1.1:80 is already server a (line 4)")),
                arguments("names used twice", """
                                virtual v {
                                     active = 1
                                     address = 10.0.0.1
                                     server a {
                                          address = 10.0.1.1
                                     }
                                     server a {
                                          address = 10.0.1.2
                                     }
                                }
                                virtual v {
                                     address = 10.0.0.2
                                }
                                """,
                        List.of("test.cf:7: server a: the name is already used at line 4",
                                "test.cf:11: virtual v: the name is already used at line 1")),
                arguments("two VIPs on one alias device", """
                                nat_router = 10.0.9.1 eth1:1
                                virtual a {
                                     active = 1
                                     address = 10.0.0.1 eth0:1
                                }
                                virtual b {
                                     active = 1
                                     address = 10.0.0.2 eth0:1
                                }
                                virtual c {
                                     active = 1
                                     address = 10.0.0.3 eth1:1
                                }
                                """,
                        List.of("test.cf:8: address: 10.0.0.2 and 10.0.0.1 (virtual a, line 4) are both on eth0:1;"
                                        + " an alias device holds one address",
                                "test.cf:12: address: 10.0.0.3 and 10.0.9.1 (nat_router, line 1) are both on eth1:1;"
                                        + " an alias device holds one address")),
                arguments("one VIP on two devices", """
                                virtual a {
                                     active = 1
                                     address = 10.0.0.1 eth0:1
                                }
                                virtual b {
                                     active = 1
                                     address = 10.0.0.1 eth0:2
                                     port = 443
                                }
                                """,
                        List.of("test.cf:7: address: 10.0.0.1 is on eth0:2 here but on eth0:1 in virtual a"
                                + " (line 3)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clashes")
    void reportsClashesBetweenBlocks(String name, String text, List<String> expected) {
        assertThat(parse(text).errors()).extracting(Object::toString).containsExactlyElementsOf(expected);
    }

    @Test
    void inactiveVirtualServersMayRepeatAService() {
        String text = MINIMAL + "virtual spare {\n active = 0\n address = 10.0.0.1\n}\n";
        assertThat(parse(text).errors()).isEmpty();
    }

    @Test
    void oneFileWithManyErrorsReportsAllOfThemInFileOrder() {
        String text = """
                serial_no = x
                keepalive = 0
                heartbeat_port = 99999
                virtual web {
                     active = 1
                     address = 10.0.0.1 eth0:1
                     scheduler = wlcc
                     timout = 5
                     server a {
                          address = 10.0.1.1
                          weight = 70000
                          active = maybe
                     }
                     server b {
                          active = 1
                     }
                }
                virtual dns {
                     active = 1
                     address = 10.0.0.2 eth0:1
                     protocol = udp
                     check = http
                     send = "broken
                }
                failover f {
                     addres = 10.0.0.3
                }
                """;
        ConfigResult result = parse(text);
        assertThat(result.errors()).extracting(Object::toString).containsExactly(
                "test.cf:1: serial_no: `x` is not a number",
                "test.cf:2: keepalive: must be greater than 0",
                "test.cf:3: heartbeat_port: 99999 is out of range 0..65535",
                "test.cf:7: scheduler: unknown scheduler `wlcc`; valid: rr, wrr, lc, wlc, lblc, lblcr, dh, sh,"
                        + " sed, nq, fo, ovf, mh",
                "test.cf:8: unknown key `timout`; did you mean `timeout`?",
                "test.cf:11: weight: 70000 is out of range 0..65535",
                "test.cf:12: active: expected 0 or 1, got `maybe`",
                "test.cf:14: address: missing in server b",
                "test.cf:20: address: 10.0.0.2 and 10.0.0.1 (virtual web, line 6) are both on eth0:1;"
                        + " an alias device holds one address",
                "test.cf:22: check: http needs protocol = tcp",
                "test.cf:23: send: unterminated quote \"",
                "test.cf:25: address: missing in failover f",
                "test.cf:26: unknown key `addres`; did you mean `address`?");
    }

    @Test
    void misspeltKeysGetASuggestionInEveryScope() {
        String text = """
                keepalvie = 2
                virtual v {
                     active = 1
                     address = 10.0.0.1
                     schedular = rr
                     server s {
                          adress = 10.0.1.1
                     }
                }
                """;
        assertThat(parse(text).errors()).extracting(Object::toString).containsExactly(
                "test.cf:1: unknown key `keepalvie`; did you mean `keepalive`?",
                "test.cf:5: unknown key `schedular`; did you mean `scheduler`?",
                "test.cf:6: address: missing in server s",
                "test.cf:7: unknown key `adress`; did you mean `address`?");
    }

    @Test
    void mhPlacesAtMost4093RealServers() {
        StringBuilder text = new StringBuilder("virtual v {\n active = 1\n address = 10.0.0.1\n scheduler = mh\n");
        for (int i = 0; i < 4094; i++) {
            text.append(" server s").append(i).append(" {\n  address = 10.1.")
                    .append(i / 250).append('.').append(i % 250 + 1).append("\n }\n");
        }
        text.append("}\n");
        assertThat(parse(text.toString()).errors()).extracting(Object::toString).containsExactly(
                "test.cf:4: scheduler: mh places at most 4093 real servers, virtual v has 4094");
    }

    @Test
    void unreadableFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.cf");
        ConfigResult result = LvsConfig.parse(missing);
        assertThat(result.errors()).extracting(Object::toString)
                .containsExactly(missing + ": cannot read: no such file");
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        assertThat(LvsConfig.parse(directory).errors()).singleElement()
                .satisfies(d -> assertThat(d.toString()).startsWith(directory + ": cannot read: "))
                .satisfies(d -> assertThat(d.line()).isZero());
    }
}
