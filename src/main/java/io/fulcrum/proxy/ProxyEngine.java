package io.fulcrum.proxy;

import io.fulcrum.model.AddressText;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.ServiceKey;
import io.fulcrum.model.Timeouts;
import io.fulcrum.model.VirtualServer;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.Engine;
import io.fulcrum.table.PoolMember;
import io.fulcrum.table.TableSnapshot;
import io.fulcrum.table.VirtualServerEntry;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user-space engine: a listener per VIP:port of every active TCP virtual server (every
 * {@code fwmark_ports} port for a fwmark service, since a proxy cannot see marks), and a
 * {@link Relay} per client connection on the accepting event loop; UDP virtual servers are
 * {@link UdpRelay}'s, on the same event loops.
 *
 * <p>Threading: {@link #apply}, {@link #drain} and {@link #close} run on the control side and are
 * serialised on this object (drain only while it closes the listeners: a snapshot that comes while
 * it waits for connections to end still drains leavers but opens nothing); relays live on their
 * event loops and read the current snapshot from the table once per new connection.
 */
public final class ProxyEngine implements Engine {

    private static final Logger log = LoggerFactory.getLogger(ProxyEngine.class);

    /**
     * The listening sockets of one VIP:port and the virtual server they serve: with epoll, one
     * socket per event loop bound with SO_REUSEPORT, so the kernel spreads accepts over every loop
     * instead of one loop accepting for all.
     */
    private record Listener(List<Channel> channels, ServiceKey service) {
        void close() {
            channels.forEach(c -> c.close().syncUninterruptibly());
        }
    }

    private final Supplier<TableSnapshot> snapshots;
    private final Transport transport;
    private final EventLoopGroup group;
    private final int threads;
    private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();
    private final Set<Relay> relays = ConcurrentHashMap.newKeySet();
    /** The open connections of each real server, so that a snapshot touches only those whose server left or came back. */
    private final ConcurrentHashMap<PoolMember, Set<Relay>> relaysByMember = new ConcurrentHashMap<>();
    /** Real servers that have connections but are in no pool of the snapshot in force: their connections drain. */
    private volatile Set<PoolMember> leaving = Set.of();
    /** Tasks posted to connections by snapshots (drain or keep), for the tests that bound a snapshot's cost. */
    private final LongAdder relayNotices = new LongAdder();
    /** Set once a stop has begun: no listener is opened again, whatever snapshot comes. */
    private boolean stopping;
    private final UdpRelay udp;
    private final TimeWait timeWait = new TimeWait();

    /** @param snapshots the table's current snapshot, read once per new connection */
    public ProxyEngine(Supplier<TableSnapshot> snapshots) {
        this(snapshots, Transport.best(), Runtime.getRuntime().availableProcessors());
    }

    ProxyEngine(Supplier<TableSnapshot> snapshots, Transport transport, int threads) {
        this.snapshots = snapshots;
        this.transport = transport;
        this.threads = threads;
        this.group = transport.newGroup(threads);
        this.udp = new UdpRelay(snapshots, transport, group, threads);
        group.next().scheduleAtFixedRate(() -> timeWait.expire(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public String name() {
        return "proxy (" + transport.name() + ")";
    }

    Transport transport() {
        return transport;
    }

    Timeouts timeouts() {
        return snapshots.get().timeouts();
    }

    VirtualServerEntry entry(ServiceKey service) {
        return snapshots.get().entryOrNull(service);
    }

    UdpRelay udp() {
        return udp;
    }

    TimeWait timeWait() {
        return timeWait;
    }

    void register(Relay relay) {
        relays.add(relay);
    }

    void unregister(Relay relay) {
        relays.remove(relay);
    }

    /** The relay is bound to {@code member} now; one placed on a real server that is leaving drains too. */
    void placed(Relay relay, PoolMember member) {
        relaysByMember.compute(member, (m, set) -> {
            Set<Relay> relaysOfMember = set == null ? ConcurrentHashMap.newKeySet() : set;
            relaysOfMember.add(relay);
            return relaysOfMember;
        });
        // After the index: a snapshot that marked the member leaving either saw this relay or is seen here.
        if (leaving.contains(member)) {
            relayNotices.increment();
            relay.drainWithin(relay.drainTimeout());
        }
    }

    void unplaced(Relay relay, PoolMember member) {
        relaysByMember.computeIfPresent(member, (m, set) -> {
            set.remove(relay);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public synchronized void apply(TableSnapshot snapshot) {
        if (stopping) {
            // A health event or a reload during the drain: listeners stay closed, leavers still drain.
            drainLeavers(snapshot);
            return;
        }
        Map<InetSocketAddress, ServiceKey> wanted = new HashMap<>();
        for (VirtualServerEntry entry : snapshot.entries()) {
            VirtualServer virtualServer = entry.config();
            if (virtualServer.protocol() != Protocol.TCP) {
                continue;
            }
            List<Integer> ports = virtualServer.fwmark() != 0 ? virtualServer.fwmarkPorts() : List.of(virtualServer.port());
            for (int port : ports) {
                wanted.put(new InetSocketAddress(virtualServer.address(), port), virtualServer.key());
            }
        }
        ListenerChanges changes = new ListenerChanges();
        for (Iterator<Map.Entry<InetSocketAddress, Listener>> it = listeners.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetSocketAddress, Listener> listener = it.next();
            ServiceKey service = wanted.get(listener.getKey());
            if (service == null || !service.equals(listener.getValue().service())) {
                listener.getValue().close();
                it.remove();
                changes.closed(listener.getKey(), listener.getValue().service());
            }
        }
        RuntimeException failure = null;
        for (Map.Entry<InetSocketAddress, ServiceKey> want : wanted.entrySet()) {
            if (!listeners.containsKey(want.getKey())) {
                try {
                    listeners.put(want.getKey(), new Listener(listen(want.getKey(), want.getValue()), want.getValue()));
                    changes.opened(want.getKey(), want.getValue());
                } catch (RuntimeException e) {
                    log.error("{}", e.getMessage());
                    failure = failure == null ? e : failure;
                }
            }
        }
        changes.log(log);
        drainLeavers(snapshot);
        try {
            udp.apply(snapshot);
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static String text(InetSocketAddress address) {
        return AddressText.withPort(address.getAddress(), address.getPort());
    }

    private List<Channel> listen(InetSocketAddress address, ServiceKey service) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new Relay(ProxyEngine.this, channel, service).clientHandler());
                    }
                });
        if (!transport.epoll()) {
            return List.of(bind(bootstrap, address));
        }
        // A backup router listens on VIPs it does not hold yet; failover then needs no rebind.
        bootstrap.option(EpollChannelOption.IP_FREEBIND, true).option(EpollChannelOption.SO_REUSEPORT, true);
        List<Channel> channels = new ArrayList<>(threads);
        try {
            for (int i = 0; i < threads; i++) {
                channels.add(bind(bootstrap, address));
            }
        } catch (RuntimeException e) {
            channels.forEach(Channel::close);
            throw e;
        }
        return List.copyOf(channels);
    }

    static Channel bind(AbstractBootstrap<?, ?> bootstrap, InetSocketAddress address) {
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on " + text(address) + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        return bound.channel();
    }

    /**
     * Connections to a real server that is no longer in its virtual server's pool (a reload removed it,
     * or its check failed) run on until the virtual server's drain_timeout, then are cut; one that is
     * back in the pool before that keeps running. Only the connections of real servers that left or
     * came back are told, so a snapshot that changes a weight costs nothing per open connection.
     */
    private void drainLeavers(TableSnapshot snapshot) {
        Set<PoolMember> serving = new HashSet<>();
        for (VirtualServerEntry entry : snapshot.entries()) {
            serving.addAll(entry.pool());
            entry.sorryServer().ifPresent(serving::add);
        }
        Set<PoolMember> before = leaving;
        Set<PoolMember> now = new HashSet<>();
        for (PoolMember member : relaysByMember.keySet()) {
            if (!serving.contains(member)) {
                now.add(member);
            }
        }
        leaving = Set.copyOf(now);
        for (PoolMember member : now) {
            if (!before.contains(member)) {
                for (Relay relay : relaysByMember.getOrDefault(member, Set.of())) {
                    relayNotices.increment();
                    relay.drainWithin(snapshot.entry(relay.service())
                            .map(entry -> entry.config().proxy().drainTimeout())
                            .orElse(relay.drainTimeout()));
                }
            }
        }
        for (PoolMember member : before) {
            if (!now.contains(member)) {
                for (Relay relay : relaysByMember.getOrDefault(member, Set.of())) {
                    relayNotices.increment();
                    relay.keep();
                }
            }
        }
    }

    long relayNotices() {
        return relayNotices.sum();
    }

    @Override
    public List<ConnectionView> connections() {
        List<ConnectionView> open = new ArrayList<>(relays.stream().filter(Relay::isOpen).map(Relay::view).toList());
        open.addAll(udp.connections());
        return open;
    }

    @Override
    public int drain(Duration limit) {
        synchronized (this) {
            stopping = true;
            closeListeners();
            udp.refuseNewFlows();
        }
        long deadline = System.nanoTime() + limit.toNanos();
        while (openRelays() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int cut = openRelays();
        relays.forEach(Relay::closeBoth);
        udp.close();
        return cut;
    }

    /** Bytes read from one side and not yet written to the other, over every connection (back-pressure's bound). */
    long bufferedBytes() {
        return relays.stream().mapToLong(Relay::bufferedBytes).sum();
    }

    private int openRelays() {
        return (int) relays.stream().filter(Relay::isOpen).count();
    }

    private void closeListeners() {
        listeners.values().forEach(Listener::close);
        listeners.clear();
    }

    /** The addresses listened on now, for tests and status. */
    synchronized Set<InetSocketAddress> listening() {
        return Set.copyOf(listeners.keySet());
    }

    synchronized List<Channel> listener(InetSocketAddress address) {
        Listener listener = listeners.get(address);
        return listener == null ? List.of() : listener.channels();
    }

    @Override
    public synchronized void close() {
        stopping = true;
        closeListeners();
        udp.close();
        relays.forEach(Relay::closeBoth);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
