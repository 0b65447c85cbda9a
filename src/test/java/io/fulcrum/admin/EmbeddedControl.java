package io.fulcrum.admin;

import io.fulcrum.admin.wire.ConnectionEntry;
import io.fulcrum.admin.wire.ReloadOutcome;
import io.fulcrum.admin.wire.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/** One control connection on an {@link EmbeddedChannel}: the real pipeline, routes run inline. */
final class EmbeddedControl implements AutoCloseable {

    static final int OWNER = 1000;

    final EmbeddedChannel channel = new EmbeddedChannel();
    private final EmbeddedChannel responses = new EmbeddedChannel(new HttpResponseDecoder());

    EmbeddedControl(int peerUid) {
        StatusSource status = new StatusSource() {
            @Override
            public Status status() {
                return WireSamples.table();
            }

            @Override
            public List<ConnectionEntry> connections() {
                return WireSamples.connections();
            }
        };
        ControlServer.Routes routes = new ControlServer.Routes(status,
                () -> ReloadOutcome.rejected(List.of("lvs.cf:3: weight: 70000 is out of range 0..65535")), OWNER);
        ControlServer.serve(channel.pipeline(), routes, c -> peerUid, Runnable::run);
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
