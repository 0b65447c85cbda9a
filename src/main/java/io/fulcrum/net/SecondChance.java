package io.fulcrum.net;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * The packet plumbing of a planned switch that keeps open connections (docs/ha.md, "Second-chance
 * forwarding"), as in Google's Maglev and GitHub's GLB: the router taking over sends the packets
 * of connections it does not know to the leaving router, and the leaving router keeps its floating
 * addresses local but silent, so that it relays those connections until they end.
 */
public interface SecondChance {

    /**
     * On the router taking over: every TCP packet for {@code addresses} that opens no connection
     * (no SYN) and belongs to none this host knows (no conntrack entry) goes to {@code partner}
     * over {@code device} instead of being answered with a reset here.
     *
     * @return what could not be done (a family left out), for the log
     */
    List<String> forward(List<InetAddress> addresses, InetAddress partner, String device) throws IOException;

    /** Removes what {@link #forward} installed; nothing to do when nothing is installed. */
    void stopForwarding() throws IOException;

    /**
     * On the leaving router: this host stops answering and sending ARP for {@code addresses} (held
     * on the loopback device meanwhile, where IPv6 neighbour discovery ignores them), and accepts
     * packets for them arriving from the partner on {@code device}.
     *
     * @return what it changed besides its own rules (a reverse-path filter), for the log
     */
    List<String> silence(List<InetAddress> addresses, String device) throws IOException;

    /** Undoes {@link #silence}. */
    void unsilence() throws IOException;

    /** At start: removes the rules a previous run left behind (it crashed during a switch). */
    void removeStale() throws IOException;
}
