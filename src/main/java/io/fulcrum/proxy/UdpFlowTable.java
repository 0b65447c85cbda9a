package io.fulcrum.proxy;

import io.fulcrum.model.Protocol;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.schedule.Flow;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.Placement;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.TableSnapshot;
import io.fulcrum.table.VirtualServerEntry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flows of one listening UDP socket, keyed by the client's address and port, confined to the
 * socket's event loop. The map is kept in order of last activity, so the sweep that expires idle
 * flows once a second stops at the first flow still within udp_timeout: one timer per socket, none
 * per datagram or per flow.
 */
final class UdpFlowTable extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UdpFlowTable.class);

    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Datagrams a new flow keeps while its socket connects (it connects at once on Linux). */
    private static final int MAX_EARLY = 16;

    private final UdpRelay relay;
    private final ServiceKey service;
    /** Access order: a datagram either way moves its flow to the end. */
    private final LinkedHashMap<InetSocketAddress, UdpFlow> flows = new LinkedHashMap<>(64, 0.75f, true);
    private final Channel listener;
    private InetSocketAddress virtualAddress;
    private Bootstrap upstreams;
    private ScheduledFuture<?> sweep;

    UdpFlowTable(UdpRelay relay, ServiceKey service, Channel listener) {
        this.relay = relay;
        this.service = service;
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        virtualAddress = (InetSocketAddress) listener.localAddress();
        upstreams = new Bootstrap()
                .group(listener.eventLoop())
                .channel(relay.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, relay.receiveBuffers());
        sweep = listener.eventLoop().scheduleAtFixedRate(this::expire, SWEEP_EVERY_NANOS, SWEEP_EVERY_NANOS,
                TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        UdpFlow flow = flows.get(packet.sender());
        if (flow == null) {
            flow = open(packet.sender());
            if (flow == null) {
                packet.release();
                return;
            }
        }
        flow.fromClient(packet.content());
    }

    /** A datagram from a client without a flow: schedules it, as IPVS does for any UDP packet without an entry. */
    private UdpFlow open(InetSocketAddress client) {
        TableSnapshot snapshot = relay.snapshotForNewFlow();
        VirtualServerEntry entry = snapshot == null ? null : snapshot.entryOrNull(service);
        Placement placement = entry == null ? null
                : entry.place(client.getAddress(), Flow.of(client.getAddress(), client.getPort(), virtualAddress.getAddress()));
        if (placement == null) {
            log.debug("no real server available for {} from {}", service.label(), client);
            return null;
        }
        UdpFlow flow = new UdpFlow(client, placement);
        flows.put(client, flow);
        relay.placed(flow.member);
        if (!relay.stillServes(snapshot, service, flow.member)) {
            endFlow(flow);
            return null;
        }
        flow.connect();
        return flow;
    }

    private void endFlow(UdpFlow flow) {
        flows.remove(flow.client, flow);
        flow.end();
    }

    /** Ends the flows that have been silent for udp_timeout (read on each sweep, so a reload's value applies at once). */
    private void expire() {
        long now = System.nanoTime();
        long timeout = relay.timeoutNanos();
        for (Iterator<UdpFlow> it = flows.values().iterator(); it.hasNext(); ) {
            UdpFlow flow = it.next();
            if (now - flow.lastActivityNanos < timeout) {
                break;
            }
            it.remove();
            flow.end();
        }
    }

    /** Ends the flows to real servers that left (posted from the control side). */
    void endFlowsOf(Set<PoolMember> left) {
        listener.eventLoop().execute(() -> {
            for (Iterator<UdpFlow> it = flows.values().iterator(); it.hasNext(); ) {
                UdpFlow flow = it.next();
                if (left.contains(flow.member)) {
                    it.remove();
                    flow.end();
                }
            }
        });
    }

    /** The flows as connection entries, built on the event loop. */
    Future<List<ConnectionView>> views() {
        return listener.eventLoop().submit(() -> {
            long now = System.nanoTime();
            long timeout = relay.timeoutNanos();
            List<ConnectionView> views = new ArrayList<>(flows.size());
            for (UdpFlow flow : flows.values()) {
                Duration left = Duration.ofNanos(Math.max(0, flow.lastActivityNanos + timeout - now));
                views.add(new ConnectionView(Protocol.UDP, "UDP", left, flow.client, virtualAddress, flow.real));
            }
            return views;
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        List<UdpFlow> open = new ArrayList<>(flows.values());
        flows.clear();
        open.forEach(UdpFlow::end);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("UDP listener {}: {}", virtualAddress, cause.toString());
    }

    /**
     * One client address and port of this socket, bound to one real server through a connected
     * socket of its own; it is also that socket's handler, for the real server's answers.
     */
    private final class UdpFlow extends ChannelInboundHandlerAdapter {

        final InetSocketAddress client;
        final Placement placement;
        final PoolMember member;
        final InetSocketAddress real;
        long lastActivityNanos = System.nanoTime();
        private Channel upstream;
        private boolean connected;
        private boolean ended;
        /** Datagrams that came before the connect completed; made on the first one. */
        private ArrayDeque<ByteBuf> early;

        UdpFlow(InetSocketAddress client, Placement placement) {
            this.client = client;
            this.placement = placement;
            this.member = placement.member();
            this.real = new InetSocketAddress(member.realServer().address(), member.realServer().port());
            member.bind(false); // IPVS: a UDP connection is inactive for all its life
        }

        void connect() {
            ChannelFuture connect = upstreams.clone().handler(this).connect(real);
            upstream = connect.channel();
            if (connect.isDone()) {
                connected(connect);
            } else {
                connect.addListener(f -> connected(connect));
            }
        }

        private void connected(ChannelFuture connect) {
            if (ended) {
                return;
            }
            if (!connect.isSuccess()) {
                log.debug("UDP socket to {} for {} failed: {}", real, client, connect.cause().toString());
                endFlow(this);
                return;
            }
            connected = true;
            if (early != null) {
                for (ByteBuf data; (data = early.poll()) != null; ) {
                    send(upstream, data);
                }
            }
        }

        void fromClient(ByteBuf data) {
            if (ended) {
                data.release(); // its socket could not be made
                return;
            }
            lastActivityNanos = System.nanoTime();
            member.counters().addInBytes(data.readableBytes());
            if (connected) {
                send(upstream, data);
                return;
            }
            if (early == null) {
                early = new ArrayDeque<>(2);
            }
            if (early.size() < MAX_EARLY) {
                early.add(data);
            } else {
                data.release();
            }
        }

        /** An answer of the real server: back to the client from the socket it sent to. */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet) || ended) {
                ReferenceCountUtil.release(msg);
                return;
            }
            flows.get(client); // moves the flow to the end of the access order
            lastActivityNanos = System.nanoTime();
            ByteBuf data = packet.content();
            member.counters().addOutBytes(data.readableBytes());
            if (listener.isActive() && listener.isWritable()) {
                listener.writeAndFlush(new DatagramPacket(data, client), listener.voidPromise());
            } else {
                data.release(); // UDP's back-pressure: a socket that cannot take more loses the datagram
            }
        }

        private static void send(Channel channel, ByteBuf data) {
            if (channel.isActive() && channel.isWritable()) {
                channel.writeAndFlush(data, channel.voidPromise());
            } else {
                data.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!ended) {
                endFlow(this);
            }
            ctx.fireChannelInactive();
        }

        /** An ICMP port unreachable from the real server, for one: the flow stays, as in IPVS. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("UDP {} -> {}: {}", client, real, cause.toString());
        }

        void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (upstream != null) {
                upstream.close();
            }
            if (early != null) {
                early.forEach(ByteBuf::release);
                early.clear();
            }
            member.unbind(false);
            placement.release();
            relay.unplaced(member);
        }
    }
}
