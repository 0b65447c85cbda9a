package io.fulcrum.admin;

import com.sun.security.auth.module.UnixSystem;
import io.fulcrum.admin.wire.Problem;
import io.fulcrum.admin.wire.ReloadOutcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The daemon's local control channel: HTTP/1.1 with JSON bodies on a Unix domain socket, the same
 * routes the REST API will serve over TCP.
 * <ul>
 *   <li>{@code GET /v1/status}: the table ({@link io.fulcrum.admin.wire.Status})</li>
 *   <li>{@code GET /v1/connections}: the open connections</li>
 *   <li>{@code POST /v1/reload}: reload the configuration file; 200 when applied, 422 with every
 *       error when rejected (then nothing changed)</li>
 *   <li>{@code GET /metrics}: the {@link Metrics} in Prometheus' text format</li>
 * </ul>
 * Only root and the daemon's own user may use it: the socket file has mode 0600, its directory is
 * created with 0700, and each request's peer credentials are checked as well, so that a socket
 * left in a wider directory is still closed to others.
 *
 * <p>It runs on Netty's NIO transport (the JDK's Unix domain sockets), not on epoll: the channel
 * carries a few requests, and so it works on every host the daemon runs on, native library or not.
 *
 * <p>Handlers run on virtual threads (a reload parses and applies a file); one connection is served
 * one request at a time.
 */
public final class ControlServer implements AutoCloseable {

    /** The largest request (head and body) a connection may send; a bigger one is answered 413 and closed. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** A connection with no request in progress that stays silent this long is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private static final ChannelOption<UnixDomainPrincipal> PEER_CREDENTIALS =
            NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED);

    private final Path socket;
    private final EventLoopGroup group;
    private final Channel channel;

    private ControlServer(Path socket, EventLoopGroup group, Channel channel) {
        this.socket = socket;
        this.group = group;
        this.channel = channel;
    }

    /**
     * Listens on {@code socket}. Creates its directory (mode 0700) when missing, replaces a stale
     * socket file left by a daemon that died, and refuses to start when a daemon still answers on
     * it or when the path is something other than a socket.
     */
    public static ControlServer start(Path socket, StatusSource status, ReloadHandler reload) throws IOException {
        return start(socket, status, reload, new Metrics(status, Clock.systemUTC()));
    }

    /** As {@link #start(Path, StatusSource, ReloadHandler)}, with the daemon's metrics (it counts the reloads). */
    public static ControlServer start(Path socket, StatusSource status, ReloadHandler reload, Metrics metrics)
            throws IOException {
        Routes routes = new Routes(status, reload, allowedUsers(), metrics);
        Path path = socket.toAbsolutePath();
        createDirectory(path.getParent());
        removeStale(path);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = bind(path, group, routes);
            return new ControlServer(path, group, channel);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // The next start replaces a stale socket file anyway.
        }
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Files.createDirectories(directory.getParent());
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
            return;
        }
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }

    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isOther()) {
            throw new IOException(path + " exists and is not a socket; not replacing it");
        }
        if (answers(path)) {
            throw new IOException("another Fulcrum daemon is listening on " + path);
        }
        Files.delete(path);
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException refused) {
            return false;
        }
    }

    /**
     * Binds under a temporary name, restricts the file to 0600, then renames it into place, so
     * that the socket is never reachable at its real path with wider permissions.
     */
    private static Channel bind(Path path, EventLoopGroup group, Routes routes) throws IOException {
        Path temporary = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<NioDomainSocketChannel>() {
                    @Override
                    protected void initChannel(NioDomainSocketChannel child) {
                        serve(child.pipeline(), routes, c -> c.config().getOption(PEER_CREDENTIALS).user(),
                                command -> Thread.ofVirtual().name("control-request").start(command));
                    }
                });
        Channel channel;
        try {
            channel = bootstrap.bind(UnixDomainSocketAddress.of(temporary)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + path, e);
        } catch (Exception e) {
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            channel.close().syncUninterruptibly();
            Files.deleteIfExists(temporary);
            throw e;
        }
        return channel;
    }

    /** Root, where it has that name, and the user the daemon runs as (by name, or by number without one). */
    static Set<UserPrincipal> allowedUsers() throws IOException {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        UnixSystem self = new UnixSystem();
        Set<UserPrincipal> allowed = new HashSet<>();
        allowed.add(users.lookupPrincipalByName(
                self.getUsername() != null ? self.getUsername() : Long.toString(self.getUid())));
        try {
            allowed.add(users.lookupPrincipalByName("root"));
        } catch (UserPrincipalNotFoundException noRoot) {
            // a system without a user called root: the daemon's own user only
        }
        return Set.copyOf(allowed);
    }

    /**
     * Sets up one connection's pipeline.
     *
     * @param peerUser reads the user of the process at the other end
     * @param handlers runs the routes, away from the event loop
     */
    static void serve(ChannelPipeline pipeline, Routes routes, PeerUser peerUser, Executor handlers) {
        pipeline.addLast(new IdleStateHandler(0, 0, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                new RequestHandler(routes, peerUser, handlers));
    }

    /** The user of a connection's peer. */
    @FunctionalInterface
    interface PeerUser {
        UserPrincipal of(Channel channel) throws IOException;
    }

    /** The routes, independent of the transport. */
    record Routes(StatusSource status, ReloadHandler reload, Set<UserPrincipal> users, Metrics metrics) {

        Routes {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reload, "reload");
            Objects.requireNonNull(metrics, "metrics");
            users = Set.copyOf(users);
        }

        Routes(StatusSource status, ReloadHandler reload, Set<UserPrincipal> users) {
            this(status, reload, users, new Metrics(status, Clock.systemUTC()));
        }

        /** A body sent as it is, not as JSON. */
        record Text(String contentType, byte[] bytes) {
        }

        /**
         * @param body  a record sent as JSON, or a {@link Text}
         * @param allow the method to name in an Allow header (405 only)
         */
        record Answer(HttpResponseStatus status, Object body, String allow) {

            Answer(HttpResponseStatus status, Object body) {
                this(status, body, null);
            }
        }

        /** Root and the daemon's own user may use the channel (principals compare by uid). */
        boolean allows(UserPrincipal peer) {
            return users.contains(peer);
        }

        Answer answer(HttpMethod method, String path) {
            return switch (path) {
                case "/v1/status" -> method.equals(HttpMethod.GET)
                        ? new Answer(HttpResponseStatus.OK, status.status()) : notAllowed(method, path, "GET");
                case "/v1/connections" -> method.equals(HttpMethod.GET)
                        ? new Answer(HttpResponseStatus.OK, status.connections()) : notAllowed(method, path, "GET");
                case "/v1/reload" -> method.equals(HttpMethod.POST) ? reloaded() : notAllowed(method, path, "POST");
                case "/metrics" -> method.equals(HttpMethod.GET)
                        ? new Answer(HttpResponseStatus.OK, new Text(Metrics.CONTENT_TYPE, metrics.scrape()))
                        : notAllowed(method, path, "GET");
                default -> new Answer(HttpResponseStatus.NOT_FOUND, new Problem("no such resource: " + path));
            };
        }

        private Answer reloaded() {
            ReloadOutcome outcome = reload.reload();
            return new Answer(outcome.applied() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY, outcome);
        }

        private static Answer notAllowed(HttpMethod method, String path, String allowed) {
            return new Answer(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    new Problem(method + " is not allowed on " + path + "; use " + allowed), allowed);
        }
    }

    /** Serves one request at a time per connection: reading pauses while a handler runs. */
    private static final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final Routes routes;
        private final PeerUser peerUser;
        private final Executor handlers;
        /** A request is being handled: the connection is not idle, however long that takes. */
        private boolean busy;

        RequestHandler(Routes routes, PeerUser peerUser, Executor handlers) {
            this.routes = routes;
            this.peerUser = peerUser;
            this.handlers = handlers;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
            if (request.decoderResult().isFailure()) {
                Throwable cause = request.decoderResult().cause();
                send(ctx, new Routes.Answer(HttpResponseStatus.BAD_REQUEST,
                        new Problem("not an HTTP/1.1 request: " + cause.getMessage())), false);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            UserPrincipal peer = peerUser.of(ctx.channel());
            if (!routes.allows(peer)) {
                send(ctx, new Routes.Answer(HttpResponseStatus.FORBIDDEN,
                        new Problem("user " + peer.getName() + " may not use this control socket")), false);
                return;
            }
            HttpMethod method = request.method();
            String path = request.uri().split("\\?", 2)[0];
            ctx.channel().config().setAutoRead(false);
            busy = true;
            handlers.execute(() -> {
                Routes.Answer answer;
                try {
                    answer = routes.answer(method, path);
                } catch (RuntimeException e) {
                    answer = new Routes.Answer(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            new Problem(e.getMessage() != null ? e.getMessage() : e.toString()));
                }
                Routes.Answer done = answer;
                ctx.executor().execute(() -> {
                    busy = false;
                    send(ctx, done, keepAlive);
                    ctx.channel().config().setAutoRead(true);
                });
            });
        }

        private static void send(ChannelHandlerContext ctx, Routes.Answer answer, boolean keepAlive) {
            boolean text = answer.body() instanceof Routes.Text;
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(),
                    Unpooled.wrappedBuffer(text ? ((Routes.Text) answer.body()).bytes() : Json.write(answer.body())));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE,
                    text ? ((Routes.Text) answer.body()).contentType() : HttpHeaderValues.APPLICATION_JSON);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (answer.allow() != null) {
                response.headers().set(HttpHeaderNames.ALLOW, answer.allow());
            }
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                if (!busy) {
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
