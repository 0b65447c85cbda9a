package io.fulcrum.net;

import java.io.IOException;

/**
 * Tells the local network that an address now lives at this host's MAC: a gratuitous ARP for
 * IPv4, an unsolicited neighbour advertisement for IPv6. One call sends one announcement.
 */
public interface Announcer extends AutoCloseable {

    void announce(HostAddress address) throws IOException;

    /**
     * Makes every native call an announcement needs once, harmlessly, so that the first takeover
     * does not pay for linking them (hundreds of milliseconds in a fresh JVM).
     */
    void warmUp();

    @Override
    void close();
}
