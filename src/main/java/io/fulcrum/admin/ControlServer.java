package io.fulcrum.admin;

import com.sun.security.auth.module.UnixSystem;
import io.fulcrum.admin.wire.ConfigOutcome;
import io.fulcrum.admin.wire.Problem;
import io.fulcrum.admin.wire.ReloadOutcome;
import io.fulcrum.model.AddressText;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control channel and REST API: HTTP/1.1 with JSON bodies on a Unix domain socket
 * and, once {@link #listen} is called, on TCP (docs/api.md, and {@code /v1/openapi.json}).
 * <ul>
 *   <li>{@code GET /v1/status}: the table ({@link io.fulcrum.admin.wire.Status})</li>
 *   <li>{@code GET /v1/connections}: the open connections</li>
 *   <li>{@code POST /v1/reload}: reload the configuration file; 200 when applied, 422 with every
 *       error when rejected (then nothing changed)</li>
 *   <li>{@code GET, PUT /v1/config}: the lvs.cf as text ({@link ConfigStore})</li>
 *   <li>{@code GET /v1/openapi.json}: these routes described</li>
 *   <li>{@code GET /metrics}: the {@link Metrics} in Prometheus' text format</li>
 * </ul>
 * On the network every request needs HTTP Basic credentials (401 without); viewers may GET,
 * admins may also write. Only root and the daemon's own user may use the socket, with no
 * password: the socket file has mode 0600, its directory is created with 0700, and each request's
 * peer credentials are checked as well, so that a socket left in a wider directory is still
 * closed to others.
 *
 * <p>It runs on Netty's NIO transport (the JDK's sockets), not on epoll: the channel carries a
 * few requests, and so it works on every host the daemon runs on, native library or not.
 *
 * <p>Handlers run on virtual threads (a reload parses and applies a file); one connection is served
 * one request at a time.
 */
public final class ControlServer implements AutoCloseable {

    /** The largest request (head and body) a connection may send; a bigger one is answered 413 and closed. */
    static final int MAX_REQUEST_BYTES = 1024 * 1024;

    /** A connection with no request in progress that stays silent this long is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private static final ChannelOption<UnixDomainPrincipal> PEER_CREDENTIALS =
            NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED);

    /** Where the audit lines go: one per write, with the user and what changed. */
    private static final Logger AUDIT = LoggerFactory.getLogger("io.fulcrum.audit");

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    private final Path socket;
    private final EventLoopGroup group;
    private final Channel channel;
    private final Routes routes;
    private volatile Channel network;

    private ControlServer(Path socket, EventLoopGroup group, Channel channel, Routes routes) {
        this.socket = socket;
        this.group = group;
        this.channel = channel;
        this.routes = routes;
    }

    /**
     * Listens on {@code socket}. Creates its directory (mode 0700) when missing, replaces a stale
     * socket file left by a daemon that died, and refuses to start when a daemon still answers on
     * it or when the path is something other than a socket.
     */
    public static ControlServer start(Path socket, StatusSource status, ReloadHandler reload) throws IOException {
        return start(socket, new Routes(status, reload, allowedUsers()));
    }

    /**
     * As {@link #start(Path, StatusSource, ReloadHandler)}, with the daemon's metrics (it counts the
     * reloads), its lvs.cf behind {@code /v1/config} and the users file of {@link #listen}.
     */
    public static ControlServer start(Path socket, StatusSource status, ReloadHandler reload, Metrics metrics,
                                      ConfigStore config, Path usersFile) throws IOException {
        return start(socket, new Routes(status, reload, allowedUsers(), metrics, config, usersFile,
                new LoginThrottle(), AUDIT::info));
    }

    static ControlServer start(Path socket, Routes routes) throws IOException {
        Path path = socket.toAbsolutePath();
        createDirectory(path.getParent());
        removeStale(path);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = bind(path, group, routes);
            return new ControlServer(path, group, channel, routes);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Serves the same routes on TCP at {@code address} (the REST API): every request needs the
     * HTTP Basic credentials of a user of the users file. Returns the address bound (port 0 takes
     * a free one).
     */
    public InetSocketAddress listen(InetSocketAddress address) throws IOException {
        if (routes.usersFile() == null) {
            throw new IllegalStateException("the network listener needs a users file");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                    @Override
                    protected void initChannel(io.netty.channel.socket.SocketChannel child) {
                        serve(child.pipeline(), routes, c -> new Peer.Remote(((InetSocketAddress) c.remoteAddress()).getAddress()),
                                command -> Thread.ofVirtual().name("api-request").start(command));
                    }
                });
        try {
            Channel bound = bootstrap.bind(address).sync().channel();
            network = bound;
            return (InetSocketAddress) bound.localAddress();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + address, e);
        } catch (Exception e) {
            throw new IOException("cannot listen on " + AddressText.withPort(address.getAddress(), address.getPort())
                    + ": " + e.getMessage(), e);
        }
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        if (network != null) {
            network.close().syncUninterruptibly();
        }
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
                        serve(child.pipeline(), routes, c -> new Peer.Local(c.config().getOption(PEER_CREDENTIALS).user()),
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
     * @param peerOf   reads who is at the other end
     * @param handlers runs the routes, away from the event loop
     */
    static void serve(ChannelPipeline pipeline, Routes routes, PeerOf peerOf, Executor handlers) {
        pipeline.addLast(new IdleStateHandler(0, 0, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                new RequestHandler(routes, peerOf, handlers));
    }

    /** Who is at the other end of a connection, as read on its event loop. */
    sealed interface Peer {
        /** A process on the control socket, by its user (SO_PEERCRED). */
        record Local(UserPrincipal user) implements Peer {
        }

        /** A client of the network listener, by its address. */
        record Remote(InetAddress address) implements Peer {
        }
    }

    /** The peer of a connection. */
    @FunctionalInterface
    interface PeerOf {
        Peer of(Channel channel) throws IOException;
    }

    /** One request, as the routes see it. */
    record Request(HttpMethod method, String path, String authorization, String contentType, byte[] body) {
    }

    /** Who asked, once admitted: the socket's user (an admin), or a user of the users file. */
    record Caller(String user, Role role, String from) {
    }

    /**
     * The routes, independent of the transport.
     *
     * @param users     who may use the control socket (root and the daemon's user)
     * @param config    the lvs.cf behind {@code /v1/config}, or null where there is none
     * @param usersFile the API's users file (the network listener's logins)
     * @param audit     receives one line per write
     */
    record Routes(StatusSource status, ReloadHandler reload, Set<UserPrincipal> users, Metrics metrics,
                  ConfigStore config, Path usersFile, LoginThrottle throttle, Consumer<String> audit) {

        Routes {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reload, "reload");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(throttle, "throttle");
            Objects.requireNonNull(audit, "audit");
            users = Set.copyOf(users);
        }

        Routes(StatusSource status, ReloadHandler reload, Set<UserPrincipal> users) {
            this(status, reload, users, new Metrics(status, Clock.systemUTC()), null, null, new LoginThrottle(),
                    AUDIT::info);
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

        /** Admits the caller (the socket's peer credentials, or a login), then answers. */
        Answer handle(Peer peer, Request request) throws IOException {
            Caller caller;
            switch (peer) {
                case Peer.Local local -> {
                    if (!allows(local.user())) {
                        return new Answer(HttpResponseStatus.FORBIDDEN,
                                new Problem("user " + local.user().getName() + " may not use this control socket"));
                    }
                    caller = new Caller(local.user().getName(), Role.ADMIN, "socket");
                }
                case Peer.Remote remote -> {
                    Object login = login(remote.address(), request.authorization());
                    if (login instanceof Answer refused) {
                        return refused;
                    }
                    caller = (Caller) login;
                }
            }
            return answer(caller, request);
        }

        /** A {@link Caller}, or the 401 to answer; wrong passwords are slowed per address. */
        private Object login(InetAddress address, String authorization) throws IOException {
            Optional<String[]> credentials = Credentials.basic(authorization);
            if (credentials.isEmpty()) {
                return unauthorized("log in with HTTP Basic credentials of a user of " + usersFile
                        + " (fulcrum passwd USER)");
            }
            sleep(throttle.turn(address));
            String user = credentials.get()[0];
            Optional<Role> role = Users.read(usersFile).check(user, credentials.get()[1]);
            if (role.isEmpty()) {
                throttle.failed(address);
                return unauthorized("wrong user name or password");
            }
            throttle.succeeded(address);
            return new Caller(user, role.get(), AddressText.of(address));
        }

        private static Answer unauthorized(String why) {
            return new Answer(HttpResponseStatus.UNAUTHORIZED, new Problem(why));
        }

        private static void sleep(Duration wait) throws IOException {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        Answer answer(Caller caller, Request request) throws IOException {
            HttpMethod method = request.method();
            String path = request.path();
            return switch (path) {
                case "/v1/status" -> method.equals(HttpMethod.GET)
                        ? new Answer(HttpResponseStatus.OK, status.status()) : notAllowed(method, path, "GET");
                case "/v1/connections" -> method.equals(HttpMethod.GET)
                        ? new Answer(HttpResponseStatus.OK, status.connections()) : notAllowed(method, path, "GET");
                case "/v1/reload" -> method.equals(HttpMethod.POST) ? write(caller, request, this::reloaded)
                        : notAllowed(method, path, "POST");
                case "/v1/config" -> config(caller, request);
                case "/v1/openapi.json" -> method.equals(HttpMethod.GET)
                        ? new Answer(HttpResponseStatus.OK, new Text(JSON, OpenApi.document()))
                        : notAllowed(method, path, "GET");
                case "/metrics" -> method.equals(HttpMethod.GET)
                        ? new Answer(HttpResponseStatus.OK, new Text(Metrics.CONTENT_TYPE, metrics.scrape()))
                        : notAllowed(method, path, "GET");
                default -> new Answer(HttpResponseStatus.NOT_FOUND, new Problem("no such resource: " + path));
            };
        }

        private Answer config(Caller caller, Request request) throws IOException {
            if (config == null) {
                return new Answer(HttpResponseStatus.NOT_FOUND, new Problem("this daemon serves no configuration file"));
            }
            if (request.method().equals(HttpMethod.GET)) {
                return new Answer(HttpResponseStatus.OK, new Text(TEXT, config.read().getBytes(StandardCharsets.UTF_8)));
            }
            if (!request.method().equals(HttpMethod.PUT)) {
                return notAllowed(request.method(), request.path(), "GET, PUT");
            }
            return write(caller, request, this::putConfig);
        }

        private Answer putConfig(Caller caller, Request request) throws IOException {
            String type = request.contentType() == null ? "" : request.contentType();
            if (!type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
                return new Answer(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                        new Problem("PUT /v1/config takes the lvs.cf as text/plain, not " + (type.isEmpty() ? "no Content-Type" : type)));
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(request.body())).toString();
            } catch (CharacterCodingException e) {
                return new Answer(HttpResponseStatus.BAD_REQUEST, new Problem("the body is not UTF-8 text"));
            }
            ConfigStore.Written written = config.write(text);
            ConfigOutcome outcome = written.outcome();
            audit(caller, request, switch (outcome.outcome()) {
                case "applied" -> "applied serial_no " + outcome.serialNo() + ", " + written.diff();
                case "stale" -> "refused: stale serial_no (the file is at " + outcome.serialNo() + ")";
                default -> "refused: " + outcome.errors().size() + " error(s)";
            });
            return new Answer(switch (outcome.outcome()) {
                case "applied" -> HttpResponseStatus.OK;
                case "stale" -> HttpResponseStatus.CONFLICT;
                default -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
            }, outcome);
        }

        private Answer reloaded(Caller caller, Request request) {
            ReloadOutcome outcome = reload.reload();
            audit(caller, request, outcome.applied() ? "applied: " + outcome.summary()
                    : "refused: " + outcome.errors().size() + " error(s)");
            return new Answer(outcome.applied() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY, outcome);
        }

        /** A write: admins only. */
        private Answer write(Caller caller, Request request, Write write) throws IOException {
            if (caller.role() != Role.ADMIN) {
                return new Answer(HttpResponseStatus.FORBIDDEN, new Problem("user " + caller.user()
                        + " is a viewer: " + request.method() + " " + request.path() + " needs the admin role"));
            }
            return write.run(caller, request);
        }

        @FunctionalInterface
        private interface Write {
            Answer run(Caller caller, Request request) throws IOException;
        }

        private void audit(Caller caller, Request request, String what) {
            audit.accept("user=" + caller.user() + " from=" + caller.from() + " " + request.method() + " "
                    + request.path() + ": " + what);
        }

        private static Answer notAllowed(HttpMethod method, String path, String allowed) {
            return new Answer(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    new Problem(method + " is not allowed on " + path + "; use " + allowed), allowed);
        }
    }

    /** Serves one request at a time per connection: reading pauses while a handler runs. */
    private static final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final Routes routes;
        private final PeerOf peerOf;
        private final Executor handlers;
        /** A request is being handled: the connection is not idle, however long that takes. */
        private boolean busy;

        RequestHandler(Routes routes, PeerOf peerOf, Executor handlers) {
            this.routes = routes;
            this.peerOf = peerOf;
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
            Peer peer = peerOf.of(ctx.channel());
            if (peer instanceof Peer.Local local && !routes.allows(local.user())) {
                send(ctx, new Routes.Answer(HttpResponseStatus.FORBIDDEN,
                        new Problem("user " + local.user().getName() + " may not use this control socket")), false);
                return;
            }
            Request call = new Request(request.method(), request.uri().split("\\?", 2)[0],
                    request.headers().get(HttpHeaderNames.AUTHORIZATION), request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    ByteBufUtil.getBytes(request.content()));
            ctx.channel().config().setAutoRead(false);
            busy = true;
            handlers.execute(() -> {
                Routes.Answer answer;
                try {
                    answer = routes.handle(peer, call);
                } catch (IOException | RuntimeException e) {
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
                    text ? ((Routes.Text) answer.body()).contentType() : JSON);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (answer.allow() != null) {
                response.headers().set(HttpHeaderNames.ALLOW, answer.allow());
            }
            if (answer.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"fulcrum\", charset=\"UTF-8\"");
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
