package io.fulcrum.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Netty's native epoll transport where it loads, NIO elsewhere (said loudly). */
record Transport(String name, boolean epoll, Class<? extends ServerChannel> serverChannel,
                 Class<? extends Channel> channel) {

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", true, EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        log.warn("native epoll transport unavailable ({}); falling back to NIO, which is slower",
                Epoll.unavailabilityCause().toString());
        return nio();
    }

    static Transport nio() {
        return new Transport("nio", false, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }
}
