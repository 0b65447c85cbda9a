package io.fulcrum.config;

import io.fulcrum.model.Config;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.VirtualServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.fulcrum.config.ConfigTexts.parse;
import static io.fulcrum.config.ConfigTexts.parseOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Piranha's lexical rules (piranha.md 1.1) and each place Fulcrum deliberately reads more. */
class LexicalRulesTest {

    private static VirtualServer onlyVirtual(String virtualBody) {
        Config config = parseOk("virtual v {\n active = 1\n address = 10.0.0.1\n" + virtualBody + "\n}\n");
        return config.virtualServers().getFirst();
    }

    private static RealServer onlyServer(String serverBody) {
        return onlyVirtual("server s {\n address = 10.0.1.1\n" + serverBody + "\n}").realServers().getFirst();
    }

    @ParameterizedTest(name = "weight = {0} is {1}")
    @CsvSource({"010, 10", "0010, 10", "0, 0", "0x10, 16", "0X1f, 31", "65535, 65535"})
    void leadingZeroIsDecimalAndHexIsAccepted(String written, int weight) {
        assertThat(onlyServer("weight = " + written).weight()).isEqualTo(weight);
    }

    @Test
    void portWithLeadingZeroIsDecimalNotAnOctalError() {
        assertThat(onlyVirtual("port = 080").port()).isEqualTo(80);
    }

    @Test
    void trailingCommentAfterBlankIsIgnored() {
        VirtualServer v = onlyVirtual("port = 8080   # the web port\nscheduler = rr\t# round robin");
        assertThat(v.port()).isEqualTo(8080);
        assertThat(v.scheduler().lvsName()).isEqualTo("rr");
    }

    @Test
    void hashInsideAWordOrQuotesIsText() {
        VirtualServer v = onlyVirtual("send = \"GET /#top # not a comment\"\nexpect = a#b");
        assertThat(v.health().send()).contains("GET /#top # not a comment");
        assertThat(v.health().expect()).contains("a#b");
    }

    @Test
    void realServerPortDefaultsToTheVirtualPortWhereverPortIsWritten() {
        VirtualServer v = onlyVirtual("""
                server before { \s
                     address = 10.0.1.1
                }
                port = 8080
                server after {
                     address = 10.0.1.2
                }
                """);
        assertThat(v.realServers()).extracting(RealServer::port).containsExactly(8080, 8080);
    }

    @Test
    void sendAndExpectEscapesAreTranslatedAndOtherBackslashesKept() {
        VirtualServer v = onlyVirtual("""
                send = "a\\r\\n\\tb\\\\c\\'d\\"e"
                expect = "^HTTP/1\\.[01] \\d+"
                use_regex = 1
                """);
        assertThat(v.health().send()).contains("a\r\n\tb\\c'd\"e");
        assertThat(v.health().expect()).contains("^HTTP/1\\.[01] \\d+");
    }

    @Test
    void keyEqualsValueWithoutBlanks() {
        VirtualServer v = onlyVirtual("port=8080\nprotocol =udp\nscheduler= sh\nsend=\"a=b\"");
        assertThat(v.port()).isEqualTo(8080);
        assertThat(v.protocol().lvsName()).isEqualTo("udp");
        assertThat(v.scheduler().lvsName()).isEqualTo("sh");
        assertThat(v.health().send()).contains("a=b");
    }

    @Test
    void crLfLineEndingsAreTolerated() {
        Config config = parseOk("serial_no = 3\r\nvirtual v {\r\n active = 1\r\n address = 10.0.0.1\r\n port = 81\r\n}\r\n");
        assertThat(config.serialNo()).isEqualTo(3);
        assertThat(config.virtualServers().getFirst().port()).isEqualTo(81);
    }

    @Test
    void singleAndDoubleQuotes() {
        VirtualServer v = onlyVirtual("send = 'GET / HTTP/1.0\\r\\n\\r\\n'\nexpect = \"HTTP 200\"\ncheck_host = 'www.example.com'");
        assertThat(v.health().send()).contains("GET / HTTP/1.0\r\n\r\n");
        assertThat(v.health().expect()).contains("HTTP 200");
        assertThat(v.health().host()).contains("www.example.com");
    }

    @Test
    void emptyQuotedSendMeansNoSend() {
        assertThat(onlyVirtual("send = \"\"").health().send()).isEmpty();
    }

    @Test
    void hostNamesAreResolvedOnce() throws Exception {
        Config config = parseOk("primary = localhost\n" + ConfigTexts.MINIMAL.replace("10.0.0.1", "localhost"));
        InetAddress localhost = InetAddress.getByName("localhost");
        assertThat(config.routerPair().primary()).contains(localhost);
        assertThat(config.virtualServers().getFirst().address()).isEqualTo(localhost);
    }

    @ParameterizedTest(name = "{0} reads as {1}")
    @CsvSource({"1, true", "0, false", "yes, true", "no, false", "true, true", "FALSE, false", "on, true",
            "off, false"})
    void booleans(String written, boolean value) {
        assertThat(onlyVirtual("quiesce_server = " + written).health().quiesceServer()).isEqualTo(value);
    }

    @Test
    void commandKeysTakeTheRestOfTheLineUnquoted() {
        Config config = parseOk("active_cmd = /usr/bin/logger -t lb now active\n"
                + "inactive_cmd = \"/usr/bin/logger -t lb passive\"\n" + ConfigTexts.MINIMAL.replace("}",
                "send_program = /usr/libexec/check --host %h --port %p # probe\n}"));
        assertThat(config.routerPair().activeCmd()).contains("/usr/bin/logger -t lb now active");
        assertThat(config.routerPair().inactiveCmd()).contains("/usr/bin/logger -t lb passive");
        assertThat(config.virtualServers().getFirst().health().sendProgram())
                .contains("/usr/libexec/check --host %h --port %p");
    }

    @Test
    void addressWithoutDeviceIsAccepted() {
        VirtualServer v = onlyVirtual("");
        assertThat(v.device()).isEmpty();
    }

    @Test
    void ipv6AddressesAndPrefixMasks() throws Exception {
        Config config = parseOk("""
                virtual v6 {
                     active = 1
                     address = 2001:db8::10 eth0:1
                     vip_nmask = /64
                     protocol = udp
                     port = 53
                     persistent = 300
                     pmask = 48
                     sorry_server = [2001:db8::99]:5353
                     server a {
                          address = 2001:db8:0:0:0:0:0:1
                     }
                }
                """);
        VirtualServer v = config.virtualServers().getFirst();
        assertThat(v.address()).isEqualTo(InetAddress.getByName("2001:db8::10"));
        assertThat(v.vipPrefix()).hasValue(64);
        assertThat(v.persistence().prefixLength()).hasValue(48);
        assertThat(v.key().label()).isEqualTo("UDP  [2001:db8::10]:53");
        assertThat(v.sorryServer().orElseThrow().port()).isEqualTo(5353);
        assertThat(v.realServers().getFirst().endpoint()).isEqualTo("[2001:db8::1]:53");
    }

    @ParameterizedTest(name = "vip_nmask = {0} is /{1}")
    @CsvSource({"255.255.255.0, 24", "255.255.254.0, 23", "255.255.255.255, 32", "/26, 26", "16, 16"})
    void netmasks(String written, int prefix) {
        assertThat(onlyVirtual("vip_nmask = " + written).vipPrefix()).hasValue(prefix);
    }

    /** pulse left a zero mask out of its ifconfig call: the VIP never became a /0. */
    @ParameterizedTest(name = "vip_nmask = {0} is not given")
    @CsvSource({"0.0.0.0", "/0", "0"})
    void aZeroVipOrNatMaskIsNotGiven(String written) {
        assertThat(onlyVirtual("vip_nmask = " + written).vipPrefix()).isEmpty();
        Config config = parseOk("nat_router = 10.9.0.254 eth1:1\nnat_nmask = " + written + "\n" + ConfigTexts.MINIMAL);
        assertThat(config.natRouter().orElseThrow().prefixLength()).isEmpty();
    }

    @Test
    void aZeroPmaskStaysOneTemplateForEveryClient() {
        assertThat(onlyVirtual("persistent = 60\npmask = 0.0.0.0").persistence().prefixLength()).hasValue(0);
    }

    @Test
    void pmaskOfTheWholeAddressIsPiranhasUnset() {
        assertThat(onlyVirtual("persistent = 60\npmask = 255.255.255.255").persistence().prefixLength()).isEmpty();
    }

    @Test
    void portsMayBeServiceNames() {
        assumeTrue(Files.exists(Path.of("/etc/services")));
        Config config = parseOk("heartbeat_port = smtp\n" + ConfigTexts.MINIMAL.replace("}", "port = https\n}"));
        assertThat(config.routerPair().heartbeatPort()).isEqualTo(25);
        assertThat(config.virtualServers().getFirst().port()).isEqualTo(443);
    }

    @Test
    void fractionalKeepaliveAndDeadtime() {
        Config config = parseOk("keepalive = 0.2\ndeadtime = 1.5\n" + ConfigTexts.MINIMAL);
        assertThat(config.routerPair().keepalive()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.routerPair().deadtime()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void duplicateKeyWarnsAndTheLastWins() {
        ConfigResult result = parse(ConfigTexts.MINIMAL.replace("}", "port = 81\nport = 82\n}"));
        assertThat(result.config().orElseThrow().virtualServers().getFirst().port()).isEqualTo(82);
        assertThat(result.warnings()).extracting(Object::toString)
                .containsExactly("test.cf:5: warning: port: set again (first at line 4); the last value wins");
    }

    @Test
    void failoverBlocksInAnLvsFileAreKept() throws Exception {
        Config config = parseOk(ConfigTexts.MINIMAL + """
                failover ftp {
                     address = 10.0.0.9 eth0:3
                     active = 1
                     port = 21
                     send = "QUIT\\r\\n"
                     expect = "221"
                     start_cmd = /etc/init.d/vsftpd start
                     stop_cmd = /etc/init.d/vsftpd stop
                }
                """);
        assertThat(config.failoverServices()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("ftp");
            assertThat(f.address()).isEqualTo(InetAddress.getByName("10.0.0.9"));
            assertThat(f.device()).contains("eth0:3");
            assertThat(f.send()).contains("QUIT\r\n");
            assertThat(f.startCmd()).contains("/etc/init.d/vsftpd start");
            assertThat(f.timeoutSeconds()).isEqualTo(10);
        });
    }

    @Test
    void aFileThatIsNotUtf8IsReadAsIso88591(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lvs.cf");
        // an editor of the RHEL 5 days: a Latin-1 comment, and a no-break space (0xA0) typed after `port`
        Files.write(file, ("# r\u00e9partiteur\nvirtual v {\n active = 1\n address = 10.0.0.1\n port\u00A0= 80\n}\n")
                .getBytes(StandardCharsets.ISO_8859_1));

        ConfigResult result = LvsConfig.parse(file);

        assertThat(result.errors()).extracting(Diagnostic::message)
                .containsExactly("unknown key `port<U+00A0 NO-BREAK SPACE>`; did you mean `port`?");
    }

    @Test
    void theDaemonSettingsAreReadFromAFileWithErrorsElsewhere(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lvs.cf");
        Files.writeString(file, "state_dir = " + dir + "/state\nscheduler = fastest\n" + ConfigTexts.MINIMAL);

        assertThat(LvsConfig.parse(file).errors()).isNotEmpty();
        assertThat(LvsConfig.daemonSettings(file).controlSocket()).isEqualTo(dir.resolve("state/fulcrum.sock"));
    }
}
