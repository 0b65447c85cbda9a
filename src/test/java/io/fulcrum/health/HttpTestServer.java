package io.fulcrum.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An HTTP(S) real server on loopback: {@code /status/NNN} answers with status NNN, anything else 404.
 * The HTTPS one uses a self-signed certificate made with the JDK's keytool at test time.
 */
final class HttpTestServer implements AutoCloseable {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private final HttpServer server;
    private final List<String> hosts = new CopyOnWriteArrayList<>();

    private HttpTestServer(HttpServer server) {
        this.server = server;
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    static HttpTestServer http() throws IOException {
        return new HttpTestServer(HttpServer.create(loopback(), 0));
    }

    static HttpTestServer https(Path directory) throws Exception {
        HttpsServer server = HttpsServer.create(loopback(), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(selfSigned(directory)));
        return new HttpTestServer(server);
    }

    private void handle(HttpExchange exchange) throws IOException {
        hosts.add(exchange.getRequestHeaders().getFirst("Host"));
        String path = exchange.getRequestURI().getPath();
        int status = path.startsWith("/status/") ? Integer.parseInt(path.substring("/status/".length())) : 404;
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The Host headers received, in order. */
    List<String> hosts() {
        return hosts;
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static SSLContext selfSigned(Path directory) throws Exception {
        Path keystore = directory.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=real.example", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.exists(keystore)) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
