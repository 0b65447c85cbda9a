package io.fulcrum.admin.wire;

import java.util.Objects;

/**
 * One real server of a virtual server (an IPVS dest).
 *
 * @param name     the lvs.cf name ({@code sorry_server} for a sorry server in use)
 * @param address  the real server's address
 * @param endpoint address and port as ipvsadm prints them: {@code 192.168.10.11:80}, {@code [2001:db8::1]:80}
 * @param forward  ipvsadm's Forward column: Masq, Route or Tunnel
 * @param weight   the weight in force (0 while quiesced)
 * @param active   ipvsadm's ActiveConn
 * @param inactive ipvsadm's InActConn
 */
public record RealServerStatus(String name, String address, int port, String endpoint, String forward, int weight,
                               int active, int inactive, Stats stats, Rates rates) {

    public RealServerStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(rates, "rates");
    }
}
