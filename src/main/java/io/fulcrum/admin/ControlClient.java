package io.fulcrum.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fulcrum.admin.wire.ConnectionEntry;
import io.fulcrum.admin.wire.Problem;
import io.fulcrum.admin.wire.ReloadOutcome;
import io.fulcrum.admin.wire.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CLI's side of the control channel ({@link ControlServer}): one HTTP request per call over
 * the daemon's Unix domain socket. Every failure becomes a {@link ControlException} whose message
 * tells the operator what to do.
 */
public final class ControlClient implements AutoCloseable {

    /** Status listings can be large; a reload may take a while. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path socket;
    private final EventLoopGroup group;

    public ControlClient(Path socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
        // NIO, as the server: the CLI works where the native library does not load
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    public Status status() throws ControlException {
        return json(exchange(HttpMethod.GET, "/v1/status"), new TypeReference<>() { });
    }

    public List<ConnectionEntry> connections() throws ControlException {
        return json(exchange(HttpMethod.GET, "/v1/connections"), new TypeReference<>() { });
    }

    /** Asks the daemon to reload its file: the outcome says whether it was applied or why not. */
    public ReloadOutcome reload() throws ControlException {
        Response response = exchange(HttpMethod.POST, "/v1/reload");
        // 422 carries the rejected file's errors in the same record as an applied reload.
        return response.code() == 422 ? parse(response, new TypeReference<>() { })
                : json(response, new TypeReference<>() { });
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private record Response(int code, byte[] body) {
    }

    private Response exchange(HttpMethod method, String uri) throws ControlException {
        if (!Files.exists(socket)) {
            throw notListening(null);
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TIMEOUT.toMillis())
                .handler(new ChannelInitializer<NioDomainSocketChannel>() {
                    @Override
                    protected void initChannel(NioDomainSocketChannel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                                new ResponseHandler(answer));
                    }
                });
        Channel channel = null;
        try {
            channel = bootstrap.connect(UnixDomainSocketAddress.of(socket)).sync().channel();
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
            request.headers().set(HttpHeaderNames.HOST, "localhost");
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            request.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            channel.writeAndFlush(request);
            return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("interrupted while talking to the daemon on " + socket, e);
        } catch (TimeoutException e) {
            throw new ControlException("the daemon on " + socket + " did not answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new ControlException("the daemon on " + socket + " closed the connection: " + e.getCause().getMessage(), e);
        } catch (Exception e) {
            throw connectFailed(e);
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** The JDK's connect reports errno only in the message. */
    private ControlException connectFailed(Exception e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof AccessDeniedException || message.contains("Permission denied")) {
            return new ControlException("permission denied on " + socket
                    + ": the control socket is for root and the user the daemon runs as", e);
        }
        return notListening(e);
    }

    private ControlException notListening(Exception cause) {
        return new ControlException("no Fulcrum daemon is listening on " + socket
                + ": is it running? (fulcrum run -c FILE)", cause);
    }

    private <T> T json(Response response, TypeReference<T> type) throws ControlException {
        if (response.code() != 200) {
            Problem problem = parse(response, new TypeReference<>() { });
            throw new ControlException("the daemon answered " + response.code() + ": " + problem.error());
        }
        return parse(response, type);
    }

    private <T> T parse(Response response, TypeReference<T> type) throws ControlException {
        try {
            return Json.read(response.body(), type);
        } catch (IOException e) {
            throw new ControlException("the daemon on " + socket + " sent an answer this CLI cannot read ("
                    + response.code() + "): " + e.getMessage(), e);
        }
    }

    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

        private final CompletableFuture<Response> answer;

        ResponseHandler(CompletableFuture<Response> answer) {
            this.answer = answer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            answer.complete(new Response(response.status().code(), ByteBufUtil.getBytes(response.content())));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new IOException("no answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
            ctx.close();
        }
    }
}
