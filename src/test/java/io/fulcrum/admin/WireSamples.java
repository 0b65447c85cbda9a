package io.fulcrum.admin;

import io.fulcrum.admin.wire.ConnectionEntry;
import io.fulcrum.admin.wire.Rates;
import io.fulcrum.admin.wire.RealServerStatus;
import io.fulcrum.admin.wire.Stats;
import io.fulcrum.admin.wire.Status;
import io.fulcrum.admin.wire.VirtualServerStatus;
import java.util.List;
import java.util.function.Supplier;

/** Wire records built by hand: the table of reference/ipvs.md 4.1-4.4, listed out of ipvsadm's order. */
public final class WireSamples {

    private WireSamples() {
    }

    public static RealServerStatus dest(String address, int port, String forward, int weight, int active, int inactive) {
        return new RealServerStatus("rs-" + address, address, port, address + ":" + port, forward, weight, active,
                inactive, Stats.ZERO, Rates.ZERO);
    }

    public static RealServerStatus dest(String address, int port, Stats stats, Rates rates) {
        return new RealServerStatus("rs-" + address, address, port, address + ":" + port, "Route", 1, 0, 0,
                stats, rates);
    }

    public static VirtualServerStatus service(String label, int fwmark, String protocol, String address, int port,
                                       String scheduler, int persistent, String mask, RealServerStatus... dests) {
        return new VirtualServerStatus("vs-" + label.strip(), label, fwmark, protocol, address, port, scheduler,
                List.of(), persistent, mask, Stats.ZERO, Rates.ZERO, List.of(dests));
    }

    /** ipvs.md 4.1, with services and real servers shuffled: the listing must sort them back. */
    public static Status table() {
        return new Status("0.1.0", "proxy (epoll)", List.of(
                service("FWM  10", 10, "TCP", "10.0.0.100", 80, "wrr", 360, null,
                        dest("192.168.10.12", 0, "Tunnel", 1, 2, 0),
                        dest("192.168.10.11", 0, "Tunnel", 2, 3, 1)),
                service("UDP  10.0.0.101:53", 0, "UDP", "10.0.0.101", 53, "rr", 0, null,
                        dest("192.168.20.6", 53, "Masq", 1, 0, 298),
                        dest("192.168.20.5", 53, "Masq", 1, 0, 311)),
                service("TCP  10.0.0.100:443", 0, "TCP", "10.0.0.100", 443, "sh", 300, "255.255.255.0",
                        dest("192.168.10.12", 443, "Route", 1, 5, 9),
                        dest("192.168.10.11", 443, "Route", 1, 7, 3)),
                service("TCP  10.0.0.100:80", 0, "TCP", "10.0.0.100", 80, "wlc", 0, null,
                        dest("192.168.10.13", 80, "Route", 0, 1, 20),
                        dest("192.168.10.11", 80, "Route", 3, 12, 40),
                        dest("192.168.10.12", 80, "Route", 1, 4, 15))), null);
    }

    /** ipvs.md 4.2 and 4.3: one service with its counters and rates. */
    public static Status counted() {
        VirtualServerStatus web = new VirtualServerStatus("web", "TCP  10.0.0.100:80", 0, "TCP", "10.0.0.100", 80,
                "wlc", List.of(), 0, null,
                new Stats(182_734, 9_934_011, 0, 812_345_678, 0),
                new Rates(35, 1890, 0, 152_300, 0),
                List.of(dest("192.168.10.12", 80, new Stats(62_733, 3_433_611, 0, 272_345_999, 0),
                                new Rates(12, 650, 0, 52_500, 0)),
                        dest("192.168.10.11", 80, new Stats(120_001, 6_500_400, 0, 540_000_123, 0),
                                new Rates(23, 1240, 0, 99_800, 0))));
        return new Status("0.1.0", "proxy (epoll)", List.of(web), null);
    }

    /** A status source answering {@code status} and the connections of ipvs.md 4.4. */
    public static StatusSource source(Supplier<Status> status) {
        return new StatusSource() {
            @Override
            public Status status() {
                return status.get();
            }

            @Override
            public List<ConnectionEntry> connections() {
                return WireSamples.connections();
            }
        };
    }

    /** ipvs.md 4.4. */
    public static List<ConnectionEntry> connections() {
        return List.of(
                new ConnectionEntry("TCP", 897, "ESTABLISHED", "203.0.113.7:51514", "10.0.0.100:80", "192.168.10.11:80"),
                new ConnectionEntry("TCP", 108, "FIN_WAIT", "198.51.100.23:40022", "10.0.0.100:80", "192.168.10.12:80"),
                new ConnectionEntry("TCP", 58, "SYN_RECV", "192.0.2.44:33001", "10.0.0.100:80", "192.168.10.11:80"),
                new ConnectionEntry("TCP", 281, "NONE", "203.0.113.0:0", "10.0.0.100:443", "192.168.10.11:443"),
                new ConnectionEntry("UDP", 299, "UDP", "198.51.100.9:53123", "10.0.0.101:53", "192.168.20.5:53"),
                new ConnectionEntry("IP", 353, "NONE", "203.0.113.7:0", "0.0.0.10:0", "192.168.10.11:0"));
    }
}
