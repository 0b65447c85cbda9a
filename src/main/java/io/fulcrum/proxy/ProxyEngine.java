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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user-space TCP engine: a listener per VIP:port of every active TCP virtual server (every
 * {@code fwmark_ports} port for a fwmark service, since a proxy cannot see marks), and a
 * {@link Relay} per client connection on the accepting event loop.
 *
 * <p>Threading: {@link #apply}, {@link #drain} and {@link #close} run on the control side and are
 * serialised on this object; relays live on their event loops and read the current snapshot from
 * the table once per new connection.
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
    private final Set<ServiceKey> warnedUdp = new HashSet<>();
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

    TimeWait timeWait() {
        return timeWait;
    }

    void register(Relay relay) {
        relays.add(relay);
    }

    void unregister(Relay relay) {
        relays.remove(relay);
    }

    @Override
    public synchronized void apply(TableSnapshot snapshot) {
        Map<InetSocketAddress, ServiceKey> wanted = new HashMap<>();
        for (VirtualServerEntry entry : snapshot.entries()) {
            VirtualServer virtualServer = entry.config();
            if (virtualServer.protocol() != Protocol.TCP) {
                if (warnedUdp.add(virtualServer.key())) {
                    log.warn("{} ({}): UDP virtual servers are not served by the proxy engine yet",
                            virtualServer.key().label(), virtualServer.name());
                }
                continue;
            }
            List<Integer> ports = virtualServer.fwmark() != 0 ? virtualServer.fwmarkPorts() : List.of(virtualServer.port());
            for (int port : ports) {
                wanted.put(new InetSocketAddress(virtualServer.address(), port), virtualServer.key());
            }
        }
        for (Iterator<Map.Entry<InetSocketAddress, Listener>> it = listeners.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetSocketAddress, Listener> listener = it.next();
            ServiceKey service = wanted.get(listener.getKey());
            if (service == null || !service.equals(listener.getValue().service())) {
                listener.getValue().close();
                it.remove();
                log.info("stopped listening on {}", text(listener.getKey()));
            }
        }
        RuntimeException failure = null;
        for (Map.Entry<InetSocketAddress, ServiceKey> want : wanted.entrySet()) {
            if (!listeners.containsKey(want.getKey())) {
                try {
                    listeners.put(want.getKey(), new Listener(listen(want.getKey(), want.getValue()), want.getValue()));
                    log.info("listening on TCP {}{}", text(want.getKey()), want.getValue() instanceof ServiceKey.Fwmark f ? " for fwmark " + f.mark() : "");
                } catch (RuntimeException e) {
                    log.error("{}", e.getMessage());
                    failure = failure == null ? e : failure;
                }
            }
        }
        drainLeavers(snapshot);
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

    private static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address) {
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
     * back in the pool before that keeps running.
     */
    private void drainLeavers(TableSnapshot snapshot) {
        Map<ServiceKey, Set<PoolMember>> serving = new HashMap<>();
        for (VirtualServerEntry entry : snapshot.entries()) {
            Set<PoolMember> members = new HashSet<>(entry.pool());
            entry.sorryServer().ifPresent(members::add);
            serving.put(entry.config().key(), members);
        }
        for (Relay relay : relays) {
            PoolMember member = relay.member();
            if (member == null) {
                continue;
            }
            if (serving.getOrDefault(relay.service(), Set.of()).contains(member)) {
                relay.keep();
            } else {
                relay.drainWithin(snapshot.entry(relay.service())
                        .map(entry -> entry.config().proxy().drainTimeout())
                        .orElse(relay.drainTimeout()));
            }
        }
    }

    @Override
    public List<ConnectionView> connections() {
        return relays.stream().filter(Relay::isOpen).map(Relay::view).toList();
    }

    @Override
    public synchronized int drain(Duration limit) {
        closeListeners();
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
        return cut;
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
        closeListeners();
        relays.forEach(Relay::closeBoth);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
