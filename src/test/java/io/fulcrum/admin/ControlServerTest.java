package io.fulcrum.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fulcrum.admin.wire.ReloadOutcome;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {

    @TempDir
    Path dir;

    private final AtomicInteger reloads = new AtomicInteger();
    private ReloadOutcome nextReload = ReloadOutcome.applied("2 virtual servers (2 active)");
    private ControlServer server;

    private final StatusSource source = WireSamples.source(WireSamples::table);

    private Path socket() {
        return dir.resolve("run/fulcrum/fulcrum.sock");
    }

    private ControlServer start() throws IOException {
        server = ControlServer.start(socket(), source, () -> {
            reloads.incrementAndGet();
            return nextReload;
        });
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void statusAndConnectionsCrossTheSocketUnchanged() throws Exception {
        start();
        try (ControlClient client = new ControlClient(socket())) {
            assertThat(client.status()).isEqualTo(WireSamples.table());
            assertThat(client.connections()).isEqualTo(WireSamples.connections());
        }
    }

    @Test
    void anAppliedReloadIsOkWithItsSummary() throws Exception {
        start();
        try (ControlClient client = new ControlClient(socket())) {
            assertThat(client.reload()).isEqualTo(ReloadOutcome.applied("2 virtual servers (2 active)"));
        }
        assertThat(reloads).hasValue(1);
        assertThat(raw("POST", "/v1/reload")).startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void aRejectedReloadIs422WithEveryError() throws Exception {
        nextReload = ReloadOutcome.rejected(List.of("lvs.cf:6: unknown scheduler 'fastest'", "lvs.cf:10: unknown key 'wieght'"));
        start();
        try (ControlClient client = new ControlClient(socket())) {
            assertThat(client.reload()).isEqualTo(nextReload);
        }
        assertThat(raw("POST", "/v1/reload"))
                .startsWith("HTTP/1.1 422 Unprocessable Entity")
                .contains("application/json")
                .contains("\"applied\":false")
                .contains("unknown key 'wieght'");
    }

    @Test
    void unknownPathsAndWrongMethodsAreRefusedWithoutCallingTheHandlers() throws Exception {
        start();
        assertThat(raw("GET", "/v1/reload")).startsWith("HTTP/1.1 405 Method Not Allowed").contains("allow: POST");
        assertThat(raw("DELETE", "/v1/status")).startsWith("HTTP/1.1 405").contains("allow: GET");
        assertThat(raw("GET", "/v2/status")).startsWith("HTTP/1.1 404").contains("no such resource: /v2/status");
        assertThat(reloads).hasValue(0);
    }

    @Test
    @Timeout(10)
    void aMalformedRequestIs400AndReachesNoHandler() throws Exception {
        start();
        assertThat(rawRequest("GET /v1/reload HTTP/1.1\r\nno colon here\r\n\r\n"))
                .startsWith("HTTP/1.1 400 Bad Request").contains("not an HTTP/1.1 request");
        assertThat(reloads).hasValue(0);
    }

    @Test
    void aFailingHandlerIsA500WithItsMessageAndTheServerGoesOn() throws Exception {
        server = ControlServer.start(socket(), source, () -> {
            throw new IllegalStateException("the table is being rebuilt");
        });
        try (ControlClient client = new ControlClient(socket())) {
            assertThatThrownBy(client::reload).isInstanceOf(ControlException.class)
                    .hasMessage("the daemon answered 500: the table is being rebuilt");
            assertThat(client.status()).isEqualTo(WireSamples.table());
        }
    }

    @Test
    void theSocketIsForItsOwnerAloneInADirectoryCreatedForIt() throws Exception {
        start();

        assertThat(Files.getPosixFilePermissions(socket())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(socket().getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.list(socket().getParent())) {
            assertThat(files).containsExactly(socket());
        }
    }

    @Test
    void onlyRootAndTheDaemonsUserMayUseTheChannel() throws Exception {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal self = users.lookupPrincipalByName(System.getProperty("user.name"));
        ControlServer.Routes routes = new ControlServer.Routes(source, () -> nextReload, ControlServer.allowedUsers());

        assertThat(routes.allows(users.lookupPrincipalByName("root"))).isTrue();
        assertThat(routes.allows(self)).isTrue();
        assertThat(routes.allows(users.lookupPrincipalByName("nobody"))).isEqualTo(self.getName().equals("nobody"));
    }

    /** The peer's credentials are checked on each connection, even where the file's mode lets anybody in. */
    @Test
    void anotherUserIsRefusedEvenThroughASocketOpenToAll() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to act as nobody");
        start();
        for (Path p = socket().getParent(); p.startsWith(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        Path program = dir.resolve("Raw.java");
        Files.writeString(program, """
                import java.net.UnixDomainSocketAddress;
                import java.nio.ByteBuffer;
                import java.nio.channels.SocketChannel;
                class Raw {
                    public static void main(String[] args) throws Exception {
                        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
                            c.write(ByteBuffer.wrap("POST /v1/reload HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0\\r\\n\\r\\n".getBytes()));
                            ByteBuffer b = ByteBuffer.allocate(4096);
                            while (c.read(b) >= 0) { }
                            System.out.print(new String(b.array(), 0, b.position()));
                        }
                    }
                }
                """);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rw-r--r--"));
        Process nobody = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), program.toString(),
                socket().toString()).redirectErrorStream(true).start();

        String answer = new String(nobody.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(nobody.waitFor()).as(answer).isZero();
        assertThat(answer).startsWith("HTTP/1.1 403 Forbidden").contains("user nobody may not use this control socket");
        assertThat(reloads).hasValue(0);
    }

    @Test
    void aStaleSocketFromACrashedDaemonIsReplaced() throws Exception {
        Files.createDirectories(socket().getParent());
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket()));
        }
        assertThat(socket()).exists();

        start();

        try (ControlClient client = new ControlClient(socket())) {
            assertThat(client.status()).isEqualTo(WireSamples.table());
        }
    }

    @Test
    void aLiveDaemonsSocketIsNotTakenOver() throws Exception {
        start();

        assertThatThrownBy(() -> ControlServer.start(socket(), source, () -> nextReload))
                .isInstanceOf(IOException.class)
                .hasMessage("another Fulcrum daemon is listening on " + socket());
        try (ControlClient client = new ControlClient(socket())) {
            assertThat(client.status()).isEqualTo(WireSamples.table());
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws Exception {
        Files.createDirectories(socket().getParent());
        Files.writeString(socket(), "precious");

        assertThatThrownBy(() -> start()).isInstanceOf(IOException.class).hasMessageContaining("is not a socket");
        assertThat(socket()).hasContent("precious");
    }

    @Test
    void closingRemovesTheSocketFile() throws Exception {
        start().close();
        server = null;

        assertThat(socket()).doesNotExist();
    }

    @Test
    void theClientSaysPlainlyWhenNoDaemonListens() throws Exception {
        String expected = "no Fulcrum daemon is listening on " + socket() + ": is it running? (fulcrum run -c FILE)";
        try (ControlClient client = new ControlClient(socket())) {
            assertThatThrownBy(client::status).isInstanceOf(ControlException.class).hasMessage(expected);
        }

        Files.createDirectories(socket().getParent());
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket()));
        }
        try (ControlClient client = new ControlClient(socket())) {
            assertThatThrownBy(client::reload).isInstanceOf(ControlException.class).hasMessage(expected);
        }
    }

    /** One request written by hand: the status line and headers as the server sent them. */
    private String raw(String method, String path) throws IOException {
        return rawRequest(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n");
    }

    private String rawRequest(String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                if (!buffer.hasRemaining()) {
                    break;
                }
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }
}
