package io.fulcrum.admin.wire;

import java.util.List;
import java.util.Objects;

/**
 * One virtual server (an IPVS service) with its totals and its real servers.
 *
 * @param name              the lvs.cf name
 * @param label             ipvsadm's service column: {@code TCP  10.0.0.100:80}, {@code FWM  10}
 * @param fwmark            the firewall mark; 0 for an address service
 * @param protocol          {@code TCP} or {@code UDP}
 * @param address           the VIP
 * @param port              the virtual port
 * @param scheduler         the scheduler's IPVS name
 * @param schedulerFlags    IPVS scheduler flags by name ({@code sh-fallback}, ...)
 * @param persistentTimeout the persistence timeout in seconds; 0 when not persistent
 * @param persistentMask    the client netmask as ipvsadm prints it (dotted quad for IPv4, prefix
 *                          length for IPv6); null when persistence is off or covers whole addresses
 * @param stats             totals over the real servers listed
 * @param rates             totals over the real servers listed
 * @param realServers       the real servers in the table (ipvsadm's dests)
 */
public record VirtualServerStatus(String name, String label, int fwmark, String protocol, String address, int port,
                                  String scheduler, List<String> schedulerFlags, int persistentTimeout,
                                  String persistentMask, Stats stats, Rates rates,
                                  List<RealServerStatus> realServers) {

    public VirtualServerStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(scheduler, "scheduler");
        schedulerFlags = List.copyOf(schedulerFlags);
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(rates, "rates");
        realServers = List.copyOf(realServers);
    }
}
