package io.fulcrum.admin;

import io.fulcrum.admin.wire.ReloadOutcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One control connection on an {@link EmbeddedChannel}: the real pipeline, routes run inline. */
final class EmbeddedControl implements AutoCloseable {

    /** A user of the test's own, as the peer-credentials option would name one. */
    private record TestUser(String getName) implements UserPrincipal {
    }

    static final UserPrincipal OWNER = new TestUser("fulcrum");
    static final UserPrincipal STRANGER = new TestUser("nobody");

    final EmbeddedChannel channel = new EmbeddedChannel();
    private final EmbeddedChannel responses = new EmbeddedChannel(new HttpResponseDecoder());

    EmbeddedControl(UserPrincipal peer) {
        StatusSource status = WireSamples.source(WireSamples::table);
        ControlServer.Routes routes = new ControlServer.Routes(status,
                () -> ReloadOutcome.rejected(List.of("lvs.cf:3: weight: 70000 is out of range 0..65535")), Set.of(OWNER));
        ControlServer.serve(channel.pipeline(), routes, c -> new ControlServer.Peer.Local(peer), Runnable::run);
    }

    /** Sends bytes from the client and runs what they cause, answers included. */
    void send(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.runPendingTasks();
    }

    /** The heads of the responses written so far, decoded as a client would. */
    List<HttpResponse> responses() {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            responses.writeInbound((ByteBuf) out);
        }
        List<HttpResponse> heads = new ArrayList<>();
        for (Object in; (in = responses.readInbound()) != null; ) {
            if (in instanceof HttpResponse head) {
                heads.add(head);
            }
            ReferenceCountUtil.release(in);
        }
        return heads;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        responses.finishAndReleaseAll();
    }
}
