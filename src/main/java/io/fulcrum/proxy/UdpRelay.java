package io.fulcrum.proxy;

import io.fulcrum.model.AddressText;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.TableSnapshot;
import io.fulcrum.table.VirtualServerEntry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP virtual servers of the proxy engine, served as IPVS serves them: a datagram from a client
 * address and port that has no flow yet is scheduled (persistence first) and opens a flow; the
 * flow's datagrams go to its real server through one connected socket of its own, so that the real
 * server's answers map back to the flow, and they go back to the client from the VIP:port it sent
 * to. A flow counts as an inactive connection of its real server (IPVS never counts UDP as active)
 * and ends after {@code udp_timeout} of silence, when its real server leaves the pool (as IPVS with
 * {@code expire_nodest_conn = 1}: the client's next datagram is scheduled again), or when its
 * virtual server goes. A reload keeps the flows of real servers that stay.
 *
 * <p>Threading: {@link #apply}, {@link #refuseNewFlows} and {@link #close} run on the control side,
 * serialised by {@link ProxyEngine}; the flows of each listening socket live in one
 * {@link UdpFlowTable} on that socket's event loop.
 */
final class UdpRelay {

    private static final Logger log = LoggerFactory.getLogger(UdpRelay.class);

    /** IPVS's default when udp_timeout is 0. */
    static final Duration DEFAULT_UDP_TIMEOUT = Duration.ofSeconds(300);
    /** Room for the largest UDP payload (65,507 bytes over IPv4, 65,527 over IPv6): a datagram is never cut. */
    private static final int MAX_DATAGRAM = 65536;
    private static final Duration VIEW_WAIT = Duration.ofSeconds(2);

    /** The sockets of one VIP:port (one per event loop with epoll, SO_REUSEPORT) and the virtual server they serve. */
    private record Listener(List<Channel> channels, ServiceKey service) {
        void close() {
            channels.forEach(c -> c.close().syncUninterruptibly());
        }

        /** The flow tables of the sockets still open (a closed socket's pipeline has none). */
        List<UdpFlowTable> tables() {
            return channels.stream().map(c -> c.pipeline().get(UdpFlowTable.class)).filter(Objects::nonNull).toList();
        }
    }

    private final Supplier<TableSnapshot> snapshots;
    private final Transport transport;
    private final EventLoopGroup group;
    private final int threads;
    private final RecvByteBufAllocator receiveBuffers = new FixedRecvByteBufAllocator(MAX_DATAGRAM);
    private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();
    /** How many flows each real server has, so that a snapshot looks for flows only when a real server with flows left. */
    private final ConcurrentHashMap<PoolMember, Integer> flowsByMember = new ConcurrentHashMap<>();
    private volatile boolean refusing;

    UdpRelay(Supplier<TableSnapshot> snapshots, Transport transport, EventLoopGroup group, int threads) {
        this.snapshots = snapshots;
        this.transport = transport;
        this.group = group;
        this.threads = threads;
    }

    /**
     * Listens on the VIP:ports of the snapshot's UDP virtual servers, closes the others (their flows
     * end) and ends the flows of real servers that left every pool. Throws the first listener that
     * could not be opened, after opening the others.
     */
    synchronized void apply(TableSnapshot snapshot) {
        Map<InetSocketAddress, ServiceKey> wanted = new HashMap<>();
        for (VirtualServerEntry entry : snapshot.entries()) {
            VirtualServer virtualServer = entry.config();
            if (virtualServer.protocol() == Protocol.UDP) {
                List<Integer> ports = virtualServer.fwmark() != 0 ? virtualServer.fwmarkPorts() : List.of(virtualServer.port());
                for (int port : ports) {
                    wanted.put(new InetSocketAddress(virtualServer.address(), port), virtualServer.key());
                }
            }
        }
        for (Iterator<Map.Entry<InetSocketAddress, Listener>> it = listeners.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetSocketAddress, Listener> listener = it.next();
            if (!listener.getValue().service().equals(wanted.get(listener.getKey()))) {
                listener.getValue().close();
                it.remove();
                log.info("stopped listening on UDP {}", AddressText.withPort(listener.getKey().getAddress(), listener.getKey().getPort()));
            }
        }
        RuntimeException failure = null;
        for (Map.Entry<InetSocketAddress, ServiceKey> want : wanted.entrySet()) {
            if (!listeners.containsKey(want.getKey())) {
                try {
                    listeners.put(want.getKey(), new Listener(listen(want.getKey(), want.getValue()), want.getValue()));
                    log.info("listening on UDP {}{}", AddressText.withPort(want.getKey().getAddress(), want.getKey().getPort()),
                            want.getValue() instanceof ServiceKey.Fwmark f ? " for fwmark " + f.mark() : "");
                } catch (RuntimeException e) {
                    log.error("{}", e.getMessage());
                    failure = failure == null ? e : failure;
                }
            }
        }
        endFlowsOfLeavers(snapshot);
        if (failure != null) {
            throw failure;
        }
    }

    private List<Channel> listen(InetSocketAddress address, ServiceKey service) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(datagramChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, receiveBuffers)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new UdpFlowTable(UdpRelay.this, service, channel));
                    }
                });
        if (!transport.epoll()) {
            return List.of(ProxyEngine.bind(bootstrap, address));
        }
        // As for TCP: one socket per event loop (the kernel keeps a client address and port on one
        // of them, so each flow is seen by one table), and a backup may bind VIPs it does not hold yet.
        bootstrap.option(EpollChannelOption.IP_FREEBIND, true).option(EpollChannelOption.SO_REUSEPORT, true);
        List<Channel> channels = new ArrayList<>(threads);
        try {
            for (int i = 0; i < threads; i++) {
                channels.add(ProxyEngine.bind(bootstrap, address));
            }
        } catch (RuntimeException e) {
            channels.forEach(Channel::close);
            throw e;
        }
        return List.copyOf(channels);
    }

    /**
     * Real servers with flows that are in no pool of {@code snapshot} (removed, or down), and a sorry
     * server no longer in use: their flows end.
     */
    private void endFlowsOfLeavers(TableSnapshot snapshot) {
        Set<PoolMember> serving = new HashSet<>();
        for (VirtualServerEntry entry : snapshot.entries()) {
            serving.addAll(entry.pool());
            sorryInUse(entry).ifPresent(serving::add);
        }
        Set<PoolMember> leavers = new HashSet<>(flowsByMember.keySet());
        leavers.removeAll(serving);
        if (leavers.isEmpty()) {
            return;
        }
        Set<PoolMember> left = Set.copyOf(leavers);
        for (Listener listener : listeners.values()) {
            listener.tables().forEach(table -> table.endFlowsOf(left));
        }
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return transport.epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    RecvByteBufAllocator receiveBuffers() {
        return receiveBuffers;
    }

    /** The snapshot to place a new flow with, or null once a drain has begun. */
    TableSnapshot snapshotForNewFlow() {
        return refusing ? null : snapshots.get();
    }

    /**
     * Whether a flow placed on {@code member} with {@code placedWith} may stay: a snapshot published
     * since may have taken the member out after {@link #apply} looked for its flows.
     */
    boolean stillServes(TableSnapshot placedWith, ServiceKey service, PoolMember member) {
        TableSnapshot now = snapshots.get();
        if (now == placedWith) {
            return true;
        }
        VirtualServerEntry entry = now.entryOrNull(service);
        return entry != null && (entry.pool().contains(member) || sorryInUse(entry).orElse(null) == member);
    }

    /** lvsd adds the sorry server while no real server is up and deletes it when one returns (piranha.md 4.3). */
    private static Optional<PoolMember> sorryInUse(VirtualServerEntry entry) {
        return entry.pool().stream().anyMatch(m -> m.weight() > 0) ? Optional.empty() : entry.sorryServer();
    }

    long timeoutNanos() {
        Duration configured = snapshots.get().timeouts().udp();
        return (configured.isZero() ? DEFAULT_UDP_TIMEOUT : configured).toNanos();
    }

    void placed(PoolMember member) {
        flowsByMember.merge(member, 1, Integer::sum);
    }

    void unplaced(PoolMember member) {
        flowsByMember.computeIfPresent(member, (m, count) -> count == 1 ? null : count - 1);
    }

    /** A drain has begun: datagrams of open flows still pass, no new flow is opened. */
    void refuseNewFlows() {
        refusing = true;
    }

    /** The open flows, as {@code ipvsadm -L -n -c} lists UDP entries (each table is asked on its event loop). */
    List<ConnectionView> connections() {
        List<UdpFlowTable> tables = new ArrayList<>();
        synchronized (this) {
            listeners.values().forEach(listener -> tables.addAll(listener.tables()));
        }
        List<ConnectionView> views = new ArrayList<>();
        for (UdpFlowTable table : tables) {
            try {
                views.addAll(table.views().get(VIEW_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
                log.debug("flows of a UDP listener not listed: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return views;
    }

    /** Closes every listener; their flows end. */
    synchronized void close() {
        refusing = true;
        listeners.values().forEach(Listener::close);
        listeners.clear();
    }

    /** The UDP addresses listened on now, for tests. */
    synchronized Set<InetSocketAddress> listening() {
        return Set.copyOf(listeners.keySet());
    }

    /** The sockets listening on {@code address}, for tests. */
    synchronized List<Channel> channels(InetSocketAddress address) {
        Listener listener = listeners.get(address);
        return listener == null ? List.of() : listener.channels();
    }
}
