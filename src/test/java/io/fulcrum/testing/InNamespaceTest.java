package io.fulcrum.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class InNamespaceTest {

    @Test
    void aSocketBoundInOneNamespaceIsReachableThereAndNotFromAnother() throws Exception {
        try (NetNamespaces net = NetNamespaces.create()) {
            String a = net.namespace();
            String b = net.namespace();
            try (ServerSocket server = InNamespace.run(a,
                    () -> new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))) {
                InetSocketAddress where = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());

                boolean fromA = InNamespace.run(a, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(where, 2000);
                        return socket.isConnected();
                    }
                });
                assertThat(fromA).isTrue();

                assertThatThrownBy(() -> InNamespace.run(b, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(where, 2000);
                        return socket.isConnected();
                    }
                })).isInstanceOf(ConnectException.class);
            }
        }
    }

    @Test
    void whatTheTaskThrowsReachesTheCaller() throws Exception {
        try (NetNamespaces net = NetNamespaces.create()) {
            String a = net.namespace();
            assertThatThrownBy(() -> InNamespace.run(a, () -> {
                throw new IOException("from inside");
            })).isInstanceOf(IOException.class).hasMessage("from inside");
        }
    }

    @Test
    void anUnknownNamespaceIsNamedInTheError() {
        NetNamespaces.assumeAvailable();
        assertThatThrownBy(() -> InNamespace.run("fc-no-such-namespace", () -> 1))
                .hasMessageContaining("/run/netns/fc-no-such-namespace");
    }

    @Test
    void closeDeletesEveryNamespace() {
        String a;
        String b;
        try (NetNamespaces net = NetNamespaces.create()) {
            a = net.namespace();
            b = net.namespace();
            net.veth(a, "va", b, "vb");
            assertThat(net.ip("netns", "list")).contains(a, b);
        }
        try (NetNamespaces net = NetNamespaces.create()) {
            assertThat(net.ip("netns", "list")).doesNotContain(a).doesNotContain(b);
        }
    }
}
