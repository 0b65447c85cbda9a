package io.fulcrum.admin;

import static io.fulcrum.admin.WireSamples.dest;
import static io.fulcrum.admin.WireSamples.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.admin.wire.Rates;
import io.fulcrum.admin.wire.Stats;
import io.fulcrum.admin.wire.Status;
import io.fulcrum.admin.wire.VirtualServerStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden listings: the blocks of reference/ipvs.md 4.1-4.4, copied verbatim except for the first
 * line (ipvsadm's "IP Virtual Server version 1.2.1 (size=4096)"), which ipvs.md leaves out of the
 * --stats and --rate examples although ipvsadm prints it there too.
 */
class IpvsadmFormatTest {

    private static final String TITLE = "Fulcrum version 0.1.0 (engine=proxy (epoll))\n";

    @Test
    void listIsIpvsadmsLayoutWithServicesAndRealServersInIpvsadmsOrder() {
        String expected = TITLE + """
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  10.0.0.100:80 wlc
                  -> 192.168.10.11:80             Route   3      12         40
                  -> 192.168.10.12:80             Route   1      4          15
                  -> 192.168.10.13:80             Route   0      1          20
                TCP  10.0.0.100:443 sh persistent 300 mask 255.255.255.0
                  -> 192.168.10.11:443            Route   1      7          3
                  -> 192.168.10.12:443            Route   1      5          9
                UDP  10.0.0.101:53 rr
                  -> 192.168.20.5:53              Masq    1      0          311
                  -> 192.168.20.6:53              Masq    1      0          298
                FWM  10 wrr persistent 360
                  -> 192.168.10.11:0              Tunnel  2      3          1
                  -> 192.168.10.12:0              Tunnel  1      2          0
                """;

        String listing = IpvsadmFormat.list(WireSamples.table());

        assertThat(listing.lines().map(String::stripTrailing).toList()).isEqualTo(expected.lines().toList());
        assertThat(listing).endsWith("\n");
    }

    @Test
    void destinationRowsKeepIpvsadmsTrailingBlanks() {
        List<String> rows = IpvsadmFormat.list(WireSamples.table()).lines().filter(l -> l.startsWith("  -> 1")).toList();

        assertThat(rows).hasSize(9).allSatisfy(row -> assertThat(row).hasSize(5 + 28 + 1 + 7 + 1 + 6 + 1 + 10 + 1 + 10));
        assertThat(rows.getFirst()).isEqualTo("  -> 192.168.10.11:80             Route   3      12         40        ");
    }

    @Test
    void schedulerFlagsFollowTheSchedulerInParentheses() {
        var hashed = new VirtualServerStatus("mail", "TCP  10.0.0.100:25", 0, "TCP", "10.0.0.100", 25, "sh",
                List.of("sh-fallback", "sh-port"), 0, null, Stats.ZERO, Rates.ZERO, List.of());

        String listing = IpvsadmFormat.list(new Status("0.1.0", "proxy (epoll)", List.of(hashed), null));

        assertThat(listing.lines().toList().get(3)).isEqualTo("TCP  10.0.0.100:25 sh (sh-fallback,sh-port)");
    }

    @Test
    void servicesSortByFwmarkThenFamilyProtocolAddressAndPort() {
        Status status = new Status("0.1.0", "proxy (epoll)", List.of(
                service("FWM  2", 2, "TCP", "10.0.0.1", 0, "rr", 360, null),
                service("FWM  1 IPv6", 1, "TCP", "2001:db8::1", 0, "rr", 360, null),
                service("UDP  10.0.0.1:53", 0, "UDP", "10.0.0.1", 53, "rr", 0, null),
                service("TCP  [2001:db8::1]:80", 0, "TCP", "2001:db8::1", 80, "rr", 0, null),
                service("TCP  10.0.0.2:80", 0, "TCP", "10.0.0.2", 80, "rr", 0, null),
                service("TCP  10.0.0.1:443", 0, "TCP", "10.0.0.1", 443, "rr", 0, null),
                service("TCP  10.0.0.1:80", 0, "TCP", "10.0.0.1", 80, "rr", 0, null),
                service("TCP  200.0.0.1:80", 0, "TCP", "200.0.0.1", 80, "rr", 0, null)), null);

        List<String> services = IpvsadmFormat.list(status).lines().skip(3).map(l -> l.split(" (rr|wrr)")[0]).toList();

        assertThat(services).containsExactly("TCP  10.0.0.1:80", "TCP  10.0.0.1:443", "TCP  10.0.0.2:80",
                "TCP  200.0.0.1:80", "UDP  10.0.0.1:53", "TCP  [2001:db8::1]:80", "FWM  1 IPv6", "FWM  2");
    }

    @Test
    void realServersSortByAddressThenPort() {
        Status status = new Status("0.1.0", "proxy (epoll)", List.of(
                service("TCP  10.0.0.1:80", 0, "TCP", "10.0.0.1", 80, "rr", 0, null,
                        dest("192.168.1.10", 8080, "Masq", 1, 0, 0),
                        dest("192.168.1.9", 80, "Masq", 1, 0, 0),
                        dest("192.168.1.10", 80, "Masq", 1, 0, 0))), null);

        List<String> dests = IpvsadmFormat.list(status).lines().skip(4).map(l -> l.substring(5, 33).strip()).toList();

        assertThat(dests).containsExactly("192.168.1.9:80", "192.168.1.10:80", "192.168.1.10:8080");
    }

    @Test
    void statsIsIpvsadmsLayout() {
        String expected = TITLE + """
                Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
                  -> RemoteAddress:Port
                TCP  10.0.0.100:80                  182734  9934011        0  812345K        0
                  -> 192.168.10.11:80               120001  6500400        0  540000K        0
                  -> 192.168.10.12:80                62733  3433611        0  272345K        0
                """;

        assertThat(IpvsadmFormat.stats(WireSamples.counted())).isEqualTo(expected);
    }

    @Test
    void rateIsIpvsadmsLayout() {
        String expected = TITLE + """
                Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
                  -> RemoteAddress:Port
                TCP  10.0.0.100:80                      35     1890        0   152300        0
                  -> 192.168.10.11:80                   23     1240        0    99800        0
                  -> 192.168.10.12:80                   12      650        0    52500        0
                """;

        assertThat(IpvsadmFormat.rate(WireSamples.counted())).isEqualTo(expected);
    }

    @Test
    void connectionsIsIpvsadmsLayout() {
        String expected = """
                IPVS connection entries
                pro expire state       source             virtual            destination
                TCP 14:57  ESTABLISHED 203.0.113.7:51514  10.0.0.100:80      192.168.10.11:80
                TCP 01:48  FIN_WAIT    198.51.100.23:40022 10.0.0.100:80      192.168.10.12:80
                TCP 00:58  SYN_RECV    192.0.2.44:33001   10.0.0.100:80      192.168.10.11:80
                TCP 04:41  NONE        203.0.113.0:0      10.0.0.100:443     192.168.10.11:443
                UDP 04:59  UDP         198.51.100.9:53123 10.0.0.101:53      192.168.20.5:53
                IP  05:53  NONE        203.0.113.7:0      0.0.0.10:0         192.168.10.11:0
                """;

        assertThat(IpvsadmFormat.connections(WireSamples.connections())).isEqualTo(expected);
    }

    @Test
    void anEmptyTableIsTheHeadersAlone() {
        Status empty = new Status("dev", "nft", List.of(), null);

        assertThat(IpvsadmFormat.list(empty)).isEqualTo("""
                Fulcrum version dev (engine=nft)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                """);
        assertThat(IpvsadmFormat.connections(List.of())).isEqualTo("""
                IPVS connection entries
                pro expire state       source             virtual            destination
                """);
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "0                  |\"        0\"",
            "99999999           |\" 99999999\"",
            "100000000          |\"  100000K\"",
            "999999999          |\"  999999K\"",
            "1000000000         |\"    1000M\"",
            "99999999999        |\"   99999M\"",
            "100000000000       |\"     100G\"",
            "99999999999999     |\"   99999G\"",
            "100000000000000    |\"     100T\"",
            "9223372036854775807|\" 9223372T\"",
    })
    void largeNumbersAreNineCharactersWithIpvsadmsSuffixes(long value, String text) {
        assertThat(IpvsadmFormat.number(value)).isEqualTo(text);
    }
}
