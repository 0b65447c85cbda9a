package io.fulcrum.proxy;

import io.fulcrum.model.Protocol;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.schedule.Flow;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.Placement;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.VirtualServerEntry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection through the proxy, confined to the client channel's event loop: placement,
 * the upstream connect (with retries on other real servers), the relay in both directions with
 * back-pressure, half-close, idle timeouts and IPVS's accounting.
 *
 * <p>Back-pressure: each side reads again only once its last read has been written to the other
 * side, so at most one read's worth of bytes per direction is ever buffered here.
 */
final class Relay {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    /** IPVS's defaults when tcp_timeout / tcpfin_timeout are 0. */
    static final Duration DEFAULT_TCP_TIMEOUT = Duration.ofSeconds(900);
    static final Duration DEFAULT_TCPFIN_TIMEOUT = Duration.ofSeconds(120);

    private enum State {
        CONNECTING("SYN_RECV"), ESTABLISHED("ESTABLISHED"), CLIENT_FIN("CLOSE_WAIT"), SERVER_FIN("FIN_WAIT"),
        CLOSED("CLOSE");

        final String ipvsName;

        State(String ipvsName) {
            this.ipvsName = ipvsName;
        }
    }

    private final ProxyEngine engine;
    private final Channel client;
    private final ServiceKey service;
    private final InetSocketAddress clientAddress;
    private final InetSocketAddress virtualAddress;
    private final Flow flow;
    /** Real servers whose connect failed for this client; rarely needed, so made on the first failure. */
    private List<PoolMember> tried = List.of();

    // Event-loop confined, except where volatile: connections() reads those from the control side.
    private Channel upstream;
    private Placement placement;
    private volatile PoolMember member;
    private volatile Duration drainTimeout = Duration.ZERO;
    private volatile State state = State.CONNECTING;
    private volatile long lastActivityNanos = System.nanoTime();
    private boolean countedActive;
    private boolean clientInputDone;
    private boolean upstreamInputDone;
    private ScheduledFuture<?> idleCheck;
    private ScheduledFuture<?> drainDeadline;

    Relay(ProxyEngine engine, Channel client, ServiceKey service) {
        this.engine = engine;
        this.client = client;
        this.service = service;
        this.clientAddress = (InetSocketAddress) client.remoteAddress();
        this.virtualAddress = (InetSocketAddress) client.localAddress();
        this.flow = Flow.of(clientAddress.getAddress(), clientAddress.getPort(), virtualAddress.getAddress());
    }

    /** Called on the client channel's event loop when it becomes active. */
    void start() {
        client.closeFuture().addListener((ChannelFutureListener) f -> closed());
        engine.register(this);
        VirtualServerEntry entry = engine.entry(service);
        Placement first = entry == null ? null : entry.place(clientAddress.getAddress(), flow);
        if (first == null) {
            log.debug("no real server available for {} from {}", service.label(), clientAddress);
            client.close();
            return;
        }
        connect(entry, first, 0);
        scheduleIdleCheck();
    }

    private void connect(VirtualServerEntry entry, Placement chosen, int attempt) {
        placement = chosen;
        member = chosen.member();
        drainTimeout = entry.config().proxy().drainTimeout();
        member.bind(true);
        countedActive = true;
        InetSocketAddress real = new InetSocketAddress(member.realServer().address(), member.realServer().port());
        ChannelFuture connect = new Bootstrap()
                .group(client.eventLoop())
                .channel(engine.transport().channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, entry.config().proxy().connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new Side(false))
                .connect(real);
        upstream = connect.channel();
        connect.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                if (!client.isActive()) {
                    upstream.close();
                    return;
                }
                state = State.ESTABLISHED;
                touch();
                client.read();
                upstream.read();
                return;
            }
            unbindMember();
            if (tried.isEmpty()) {
                tried = new ArrayList<>(2);
            }
            tried.add(member);
            VirtualServerEntry current = engine.entry(service);
            Placement next = attempt < entry.config().proxy().connectRetries() && current != null && client.isActive()
                    ? retryPlacement(current) : null;
            log.debug("connect to {} for {} failed ({}); {}", real, clientAddress, f.cause().getMessage(),
                    next == null ? "giving up" : "trying " + next.member().realServer().endpoint());
            if (next == null) {
                upstream = null;
                client.close();
            } else {
                connect(current, next, attempt + 1);
            }
        });
    }

    /** The scheduler's next choice, or the first untried usable real server when it repeats itself. */
    private Placement retryPlacement(VirtualServerEntry entry) {
        Placement next = entry.place(clientAddress.getAddress(), flow);
        if (next == null || !tried.contains(next.member())) {
            return next;
        }
        next.release();
        for (PoolMember candidate : entry.pool()) {
            if (candidate.weight() > 0 && !candidate.overloaded() && !tried.contains(candidate)) {
                return new Placement(candidate, null);
            }
        }
        return null;
    }

    private void unbindMember() {
        if (placement == null) {
            return;
        }
        member.unbind(countedActive);
        placement.release();
        placement = null;
    }

    private void touch() {
        lastActivityNanos = System.nanoTime();
    }

    private Duration timeout() {
        Duration configured = state == State.ESTABLISHED || state == State.CONNECTING
                ? engine.timeouts().tcp() : engine.timeouts().tcpFin();
        if (!configured.isZero()) {
            return configured;
        }
        return state == State.ESTABLISHED || state == State.CONNECTING ? DEFAULT_TCP_TIMEOUT : DEFAULT_TCPFIN_TIMEOUT;
    }

    /** One timer per connection, re-armed to the remaining idle time rather than per read. */
    private void scheduleIdleCheck() {
        long remaining = lastActivityNanos + timeout().toNanos() - System.nanoTime();
        if (remaining <= 0) {
            log.debug("{} -> {} idle for {} s: closing", clientAddress, virtualAddress, timeout().toSeconds());
            closeBoth();
            return;
        }
        idleCheck = client.eventLoop().schedule(this::scheduleIdleCheck, remaining, TimeUnit.NANOSECONDS);
    }

    /** The real server left the pool: this connection may run until {@code limit}, then it is cut. */
    void drainWithin(Duration limit) {
        client.eventLoop().execute(() -> {
            if (drainDeadline == null && isOpen()) {
                drainDeadline = client.eventLoop().schedule(this::closeBoth, limit.toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }

    /** The real server is back in the pool before the drain limit passed: the connection stays. */
    void keep() {
        client.eventLoop().execute(() -> {
            if (drainDeadline != null) {
                drainDeadline.cancel(false);
                drainDeadline = null;
            }
        });
    }

    void closeBoth() {
        client.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    /**
     * Both sides are closed. As in IPVS, a connection that was established stays counted as
     * inactive for the half-closed timeout (its TIME_WAIT): {@link TimeWait} keeps that accounting
     * without keeping this object and its channels.
     */
    private void closed() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasConnected = state != State.CONNECTING;
        if (upstream != null) {
            upstream.close();
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (drainDeadline != null) {
            drainDeadline.cancel(false);
        }
        if (wasConnected && placement != null) {
            if (countedActive) {
                member.counters().deactivate();
                countedActive = false;
            }
            state = State.CLOSED;
            engine.timeWait().add(member, placement, System.nanoTime(), timeout().toNanos());
            placement = null;
        } else {
            state = State.CLOSED;
            unbindMember();
        }
        engine.unregister(this);
    }

    /** The drain limit of the virtual server this connection was placed in. */
    Duration drainTimeout() {
        return drainTimeout;
    }

    ServiceKey service() {
        return service;
    }

    PoolMember member() {
        return member;
    }

    boolean isOpen() {
        return state != State.CLOSED;
    }

    ConnectionView view() {
        PoolMember current = member;
        long left = Math.max(0, lastActivityNanos + timeout().toNanos() - System.nanoTime());
        InetSocketAddress real = current == null ? new InetSocketAddress(0)
                : new InetSocketAddress(current.realServer().address(), current.realServer().port());
        return new ConnectionView(Protocol.TCP, state.ipvsName, Duration.ofNanos(left), clientAddress, virtualAddress, real);
    }

    ChannelInboundHandlerAdapter clientHandler() {
        return new Side(true);
    }

    /** Reads one side and writes to the other; {@code fromClient} tells which side this is. */
    private final class Side extends ChannelInboundHandlerAdapter {

        private final boolean fromClient;
        /** The last write of this side's bytes to the peer: a FIN must not overtake it. */
        private ChannelFuture lastWrite;

        Side(boolean fromClient) {
            this.fromClient = fromClient;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (fromClient) {
                start();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel peer = fromClient ? upstream : client;
            if (peer == null || !peer.isActive() || !(msg instanceof ByteBuf data)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            touch();
            PoolMember current = member;
            if (fromClient) {
                current.counters().addInBytes(data.readableBytes());
            } else {
                current.counters().addOutBytes(data.readableBytes());
            }
            Channel self = ctx.channel();
            lastWrite = peer.writeAndFlush(data);
            lastWrite.addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    self.read();
                } else {
                    closeBoth();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (!(event instanceof ChannelInputShutdownEvent)) {
                ctx.fireUserEventTriggered(event);
                return;
            }
            touch();
            Channel peer = fromClient ? upstream : client;
            if (fromClient) {
                clientInputDone = true;
            } else {
                upstreamInputDone = true;
            }
            if (clientInputDone && upstreamInputDone) {
                closeBoth();
                return;
            }
            if (state == State.ESTABLISHED) {
                // IPVS: a FIN takes the connection out of the active states
                state = fromClient ? State.CLIENT_FIN : State.SERVER_FIN;
                member.counters().deactivate();
                countedActive = false;
                // the half-closed timeout applies from now on
                idleCheck.cancel(false);
                scheduleIdleCheck();
            }
            if (!(peer instanceof DuplexChannel duplex) || !peer.isActive()) {
                closeBoth();
            } else if (lastWrite == null || lastWrite.isDone()) {
                duplex.shutdownOutput();
            } else {
                // Shutting the output down now would fail the write still queued: FIN after the data.
                lastWrite.addListener((ChannelFutureListener) f -> duplex.shutdownOutput());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!fromClient && state != State.CONNECTING) {
                closeBoth();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} side of {} -> {}: {}", fromClient ? "client" : "real server", clientAddress, virtualAddress,
                    cause.toString());
            closeBoth();
        }
    }
}
