package io.fulcrum.proxy;

import io.fulcrum.model.Protocol;
import io.fulcrum.model.ProxyProtocol;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.schedule.Flow;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.Placement;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.VirtualServerEntry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.ReadHangUpInterest;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
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
 * <p>The byte pump ({@link Side}) follows Netty's proxy example and Envoy's TcpProxy: each side
 * reads again only once its last read has been written to the other side, so at most one read's
 * worth of bytes per direction is ever held here, after a FIN too; bytes read from the client
 * before the upstream is connected are kept and written first; a FIN is passed on only after the
 * last write of that direction completed, and the connection is closed only once both FINs have
 * been passed on (or, when one side goes away, after what was read from it has been flushed).
 * Half-close is a state of each direction. IPVS's accounting (the connection's state and the real
 * server's counters) is kept apart, in {@link #finSeen} and {@link #closed}.
 *
 * <p>PROXY protocol: from a trusted front balancer the connection starts with a header naming the
 * real client, read before placement so that persistence and the hashing schedulers see that
 * client; the bytes that came with it are kept as early bytes. Towards the real server a header,
 * when configured, is the first write, ahead of the early bytes.
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
    /** The client: the peer, or the one an accepted PROXY header names (written once, before placement). */
    private volatile InetSocketAddress clientAddress;
    private final InetSocketAddress virtualAddress;
    /** The address the client connected to: the VIP:port, or the one an accepted PROXY header names. */
    private InetSocketAddress destinationAddress;
    private Flow flow;
    private final Side clientSide = new Side(true);
    /** Real servers whose connect failed for this client; rarely needed, so made on the first failure. */
    private List<PoolMember> tried = List.of();

    // Event-loop confined, except where volatile: connections() reads those from the control side.
    private Channel upstream;
    private Side upstreamSide;
    private boolean upstreamConnected;
    /** A trusted front's PROXY header is still to come. */
    private boolean awaitingHeader;
    /** The PROXY header this connection's real server gets first. */
    private ProxyProtocol headerToSend = ProxyProtocol.OFF;
    /** Client bytes read before the upstream was connected; made on the first such read. */
    private ArrayDeque<ByteBuf> early;
    private Placement placement;
    private volatile PoolMember member;
    /** Where {@link #member} is connected: its address and the port the virtual server maps to. */
    private volatile InetSocketAddress realAddress;
    private volatile Duration drainTimeout = Duration.ZERO;
    private volatile State state = State.CONNECTING;
    private volatile long lastActivityNanos = System.nanoTime();
    private boolean countedActive;
    private boolean raisedOverload;
    private ScheduledFuture<?> idleCheck;
    private ScheduledFuture<?> drainDeadline;

    Relay(ProxyEngine engine, Channel client, ServiceKey service) {
        this.engine = engine;
        this.client = client;
        this.service = service;
        this.clientAddress = (InetSocketAddress) client.remoteAddress();
        this.virtualAddress = (InetSocketAddress) client.localAddress();
        this.destinationAddress = virtualAddress;
        this.flow = Flow.of(clientAddress.getAddress(), clientAddress.getPort(), virtualAddress.getAddress());
    }

    /** Called on the client channel's event loop when it becomes active. */
    private void begin() {
        client.closeFuture().addListener((ChannelFutureListener) f -> closed());
        engine.register(this);
        VirtualServerEntry entry = engine.entry(service);
        if (entry != null && entry.config().proxy().trustsProxyHeaderFrom(clientAddress.getAddress())) {
            awaitHeader(entry.config().proxy().connectTimeout());
        } else {
            start(entry);
        }
    }

    /**
     * As HAProxy's accept-proxy: a trusted front must send a valid PROXY header first, within the
     * connect timeout, or the connection is closed (an invalid one fails the decoder, which closes it).
     */
    private void awaitHeader(Duration limit) {
        awaitingHeader = true;
        client.pipeline().addFirst(new HAProxyMessageDecoder());
        idleCheck = client.eventLoop().schedule(() -> {
            log.debug("{} -> {}: no PROXY header within {} ms", clientAddress, virtualAddress, limit.toMillis());
            client.close();
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
        client.read();
    }

    /** The front's header: its client is this connection's client from now on. */
    private void headerRead(HAProxyMessage header) {
        try {
            awaitingHeader = false;
            idleCheck.cancel(false);
            if (ProxyHeaders.carriesAddresses(header)) {
                clientAddress = ProxyHeaders.source(header);
                destinationAddress = ProxyHeaders.destination(header);
                flow = Flow.of(clientAddress.getAddress(), clientAddress.getPort(), virtualAddress.getAddress());
            }
        } finally {
            header.release();
        }
        start(engine.entry(service));
    }

    private void start(VirtualServerEntry entry) {
        Placement first = entry == null ? null : entry.place(clientAddress.getAddress(), flow);
        if (first == null) {
            log.debug("no real server available for {} from {}", service.label(), clientAddress);
            client.close();
            return;
        }
        scheduleIdleCheck();
        connect(entry, first, 0);
    }

    private void connect(VirtualServerEntry entry, Placement chosen, int attempt) {
        placement = chosen;
        member = chosen.member();
        drainTimeout = entry.config().proxy().drainTimeout();
        headerToSend = entry.config().proxy().proxyProtocol();
        raisedOverload = member.bind(true);
        countedActive = true;
        engine.placed(this, member);
        InetSocketAddress real = new InetSocketAddress(member.realServer().address(),
                entry.config().realPort(member.realServer(), virtualAddress.getPort()));
        realAddress = real;
        upstreamSide = new Side(false);
        ChannelFuture connect = new Bootstrap()
                .group(client.eventLoop())
                .channel(engine.transport().channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, entry.config().proxy().connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(upstreamSide)
                .connect(real);
        upstream = connect.channel();
        connect.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                connected();
            } else {
                connectFailed(entry, attempt, real, f.cause());
            }
        });
    }

    private void connected() {
        if (!client.isActive()) {
            upstream.close();
            return;
        }
        if (!dropReadHangUp(upstream)) {
            return;
        }
        upstreamConnected = true;
        state = State.ESTABLISHED;
        touch();
        ChannelFuture last = null;
        if (headerToSend != ProxyProtocol.OFF) {
            // Encoded on the spot, so the encoder leaves the pipeline before any relayed byte passes.
            upstream.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
            last = upstream.write(ProxyHeaders.of(headerToSend, clientAddress, destinationAddress));
            upstream.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
        }
        if (early != null) {
            for (ByteBuf data; (data = early.poll()) != null; ) {
                last = upstream.write(data);
            }
        }
        if (last != null) {
            upstream.flush();
            clientSide.wrote(last);
        } else if (!clientSide.inputDone) {
            client.read();
        }
        if (clientSide.inputDone) {
            finSeen(true);
            clientSide.forwardFin();
        }
        upstream.read();
    }

    private void connectFailed(VirtualServerEntry entry, int attempt, InetSocketAddress real, Throwable cause) {
        PoolMember refused = member;
        if (placement != null) {
            refused.withdraw(countedActive, raisedOverload);
            placement.release();
            placement = null;
        }
        engine.unplaced(this, refused);
        if (tried.isEmpty()) {
            tried = new ArrayList<>(2);
        }
        tried.add(refused);
        VirtualServerEntry current = engine.entry(service);
        Placement next = attempt < entry.config().proxy().connectRetries() && current != null && client.isActive()
                ? retryPlacement(current) : null;
        log.debug("connect to {} for {} failed ({}); {}", real, clientAddress, cause.getMessage(),
                next == null ? "giving up" : "trying " + next.member().realServer().endpoint());
        if (next == null) {
            upstream = null;
            client.close();
        } else {
            connect(current, next, attempt + 1);
        }
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

    /**
     * IPVS's accounting of a FIN: the first one takes an established connection out of the active
     * states, and the half-closed timeout applies from then on.
     */
    private void finSeen(boolean fromClient) {
        if (state != State.ESTABLISHED) {
            return;
        }
        state = fromClient ? State.CLIENT_FIN : State.SERVER_FIN;
        member.counters().deactivate();
        countedActive = false;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        scheduleIdleCheck();
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

    /** Cuts the connection now (timeouts, drain limits, a failed write): what is unwritten is lost. */
    void closeBoth() {
        client.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    /**
     * Back-pressure after a FIN ({@link ReadHangUpInterest}); done before the first read is asked for,
     * since Netty loses a read asked for before the change. False when it failed: the connection is cut.
     */
    private boolean dropReadHangUp(Channel channel) {
        try {
            ReadHangUpInterest.drop(channel);
            return true;
        } catch (IOException e) {
            log.debug("{} -> {}: {}", clientAddress, virtualAddress, e.toString());
            closeBoth();
            return false;
        }
    }

    /** Closes once what was already written to it has been flushed (Netty's closeOnFlush). */
    private static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /**
     * The client channel is closed. As in IPVS, a connection that was established stays counted as
     * inactive for the half-closed timeout (its TIME_WAIT): {@link TimeWait} keeps that accounting
     * without keeping this object and its channels.
     */
    private void closed() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasConnected = state != State.CONNECTING;
        if (upstream != null) {
            if (upstreamConnected) {
                closeOnFlush(upstream);
            } else {
                upstream.close();
            }
        }
        if (early != null) {
            early.forEach(ByteBuf::release);
            early.clear();
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (drainDeadline != null) {
            drainDeadline.cancel(false);
        }
        PoolMember last = member;
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
            if (placement != null) {
                member.unbind(countedActive);
                placement.release();
                placement = null;
            }
        }
        if (last != null) {
            engine.unplaced(this, last);
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
        long left = Math.max(0, lastActivityNanos + timeout().toNanos() - System.nanoTime());
        InetSocketAddress connectedTo = realAddress;
        InetSocketAddress real = connectedTo == null ? new InetSocketAddress(0) : connectedTo;
        return new ConnectionView(Protocol.TCP, state.ipvsName, Duration.ofNanos(left), clientAddress, virtualAddress, real);
    }

    /** Bytes read from one side and not yet written to the other (for the back-pressure tests). */
    long bufferedBytes() {
        ArrayDeque<ByteBuf> kept = early;
        long held = 0;
        if (kept != null) {
            for (ByteBuf data : kept.toArray(ByteBuf[]::new)) {
                held += data.readableBytes();
            }
        }
        return held + pendingWrites(client) + pendingWrites(upstream);
    }

    private static long pendingWrites(Channel channel) {
        var outbound = channel == null ? null : channel.unsafe().outboundBuffer();
        return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    }

    ChannelInboundHandlerAdapter clientHandler() {
        return clientSide;
    }

    /** One direction of the byte pump: reads this side, writes to the other. */
    private final class Side extends ChannelInboundHandlerAdapter {

        private final boolean fromClient;
        /** The last write of this side's bytes to the other side: a FIN must not overtake it. */
        private ChannelFuture lastWrite;
        /** This side's FIN was read. */
        private boolean inputDone;
        /** ... and passed on to the other side, after every byte before it. */
        private boolean finForwarded;

        Side(boolean fromClient) {
            this.fromClient = fromClient;
        }

        private Channel self() {
            return fromClient ? client : upstream;
        }

        private Channel peer() {
            return fromClient ? upstream : client;
        }

        private Side other() {
            return fromClient ? upstreamSide : clientSide;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (fromClient && dropReadHangUp(client)) {
                begin();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HAProxyMessage header) {
                headerRead(header);
                return;
            }
            if (!(msg instanceof ByteBuf data)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            touch();
            PoolMember current = member;
            if (current != null) {
                if (fromClient) {
                    current.counters().addInBytes(data.readableBytes());
                } else {
                    current.counters().addOutBytes(data.readableBytes());
                }
            }
            if (fromClient && !upstreamConnected) {
                // Read before the upstream is ready (with a PROXY header, or by a transport that reads on
                // its own): kept, and no further read is asked for until these are written.
                if (early == null) {
                    early = new ArrayDeque<>(2);
                }
                early.add(data);
                return;
            }
            Channel peer = peer();
            if (peer == null || !peer.isActive()) {
                data.release();
                closeBoth();
                return;
            }
            wrote(peer.writeAndFlush(data));
        }

        /** Reads this side again once the other side has taken the last read. */
        void wrote(ChannelFuture write) {
            lastWrite = write;
            write.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    closeBoth();
                } else if (!inputDone) {
                    self().read();
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
            inputDone = true;
            if (fromClient && awaitingHeader) {
                client.close(); // the front ended before naming the client
                return;
            }
            if (fromClient && !upstreamConnected) {
                return; // passed on once connected, after the early bytes
            }
            finSeen(fromClient);
            forwardFin();
        }

        /** Passes this side's FIN on after the last write; closes once both FINs have been passed on. */
        void forwardFin() {
            Channel peer = peer();
            if (!(peer instanceof DuplexChannel duplex) || !peer.isActive()) {
                closeBoth();
                return;
            }
            if (lastWrite == null || lastWrite.isDone()) {
                shutdownOutput(duplex);
            } else {
                lastWrite.addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        shutdownOutput(duplex);
                    }
                });
            }
        }

        private void shutdownOutput(DuplexChannel peer) {
            peer.shutdownOutput().addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    closeBoth();
                    return;
                }
                finForwarded = true;
                Side other = other();
                if (other != null && other.finForwarded) {
                    closeBoth();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // The client's end is handled by closed(); a real server that went away takes the client
            // with it once the bytes read from it are flushed.
            if (!fromClient && upstreamConnected && this == upstreamSide) {
                closeOnFlush(client);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} side of {} -> {}: {}", fromClient ? "client" : "real server", clientAddress, virtualAddress,
                    cause.toString());
            ctx.close();
        }
    }
}
