package io.fulcrum.health;

import java.net.InetSocketAddress;

/**
 * One way of checking a real server. A probe holds the check's settings; the target is passed in, so
 * one probe serves every real server of a virtual server. A probe blocks the calling (virtual) thread
 * for at most its timeout and reports every failure as a down result, never as an exception.
 */
public sealed interface Probe permits TcpProbe, UdpProbe, HttpProbe, ProgramProbe, NoProbe {

    /**
     * @throws InterruptedException when the checking thread is interrupted (the monitor is stopping);
     *                              anything the probe started is gone by then
     */
    ProbeResult check(InetSocketAddress target) throws InterruptedException;
}
