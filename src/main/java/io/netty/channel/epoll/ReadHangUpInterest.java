package io.netty.channel.epoll;

import io.netty.channel.Channel;
import java.io.IOException;

/**
 * Lets a relay keep back-pressure after its peer's FIN. On EPOLLRDHUP Netty's epoll channel reads
 * the socket to its end in one go, whether a read was asked for or not (it must find the end of
 * the stream), so a relay that has not yet written the last read would buffer up to the whole
 * socket buffer per connection. Without the interest in EPOLLRDHUP the FIN is found as TCP means
 * it to be found: by the read that reaches it, asked for only once the last one was written.
 * Errors and resets still wake the channel (epoll always reports EPOLLERR and EPOLLHUP).
 *
 * <p>It lives in Netty's package because the interest flags are package-private there; the
 * relay tests (ProxyEngineTest's back-pressure and half-close cases) fail if a Netty upgrade
 * changes what it relies on.
 */
public final class ReadHangUpInterest {

    private ReadHangUpInterest() {
    }

    /** Drops the channel's interest in EPOLLRDHUP; call on its event loop once it is registered. */
    public static void drop(Channel channel) throws IOException {
        if (channel instanceof AbstractEpollChannel epoll && epoll.isRegistered()) {
            // EPOLLERR (reported whether asked for or not) keeps the interest set from becoming empty:
            // Netty removes a channel with no interest from epoll and then fails to modify it.
            epoll.setFlag(Native.EPOLLERR);
            epoll.clearFlag(Native.EPOLLRDHUP);
        }
    }
}
