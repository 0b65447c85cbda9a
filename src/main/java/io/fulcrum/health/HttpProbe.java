package io.fulcrum.health;

import io.fulcrum.model.AddressText;
import io.fulcrum.model.StatusRange;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code check = http|https}: {@code GET path HTTP/1.1} with a Host header; up when the status is in
 * {@code statuses}. Only the status line is read.
 *
 * <p>HTTPS trusts any certificate and does not verify the host name: a health check asks whether the
 * real server answers, not who it is, and real servers commonly carry self-signed certificates or ones
 * issued for the VIP's name. The traffic the load balancer forwards is not affected.
 *
 * @param host the Host header (and TLS server name); empty = the target's address
 */
public record HttpProbe(boolean https, String path, Optional<String> host, List<StatusRange> statuses,
                        Duration timeout) implements Probe {

    private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/\\d(?:\\.\\d)? (\\d{3})(?:[ \\r\\n]|$)");

    public HttpProbe {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(host, "host");
        statuses = List.copyOf(statuses);
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public ProbeResult check(InetSocketAddress target) {
        Deadline deadline = Deadline.after(timeout);
        String hostName = host.orElseGet(() -> AddressText.of(target.getAddress()));
        try (Socket socket = open(target, hostName, deadline)) {
            socket.getOutputStream().write(request(hostName, target.getPort()).getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return Exchange.read(socket, deadline, this::judge);
        } catch (IOException e) {
            return ProbeResult.down(Replies.failure(e, timeout));
        }
    }

    private Socket open(InetSocketAddress target, String hostName, Deadline deadline) throws IOException {
        Socket plain = Exchange.connect(target, deadline);
        if (!https) {
            return plain;
        }
        try {
            SSLSocket tls = (SSLSocket) TrustAll.FACTORY.createSocket(plain, hostName, target.getPort(), true);
            tls.setSoTimeout(deadline.millisLeft());
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    private String request(String hostName, int port) {
        boolean defaultPort = port == (https ? 443 : 80);
        String hostHeader = (hostName.indexOf(':') >= 0 ? "[" + hostName + "]" : hostName)
                + (defaultPort ? "" : ":" + port);
        return "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nUser-Agent: fulcrum-health\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    }

    private Optional<ProbeResult> judge(byte[] reply, int length, boolean ended) {
        int lineEnd = 0;
        while (lineEnd < length && reply[lineEnd] != '\n') {
            lineEnd++;
        }
        if (lineEnd == length && !ended) {
            return Optional.empty();
        }
        Matcher status = STATUS_LINE.matcher(new String(reply, 0, lineEnd, StandardCharsets.ISO_8859_1));
        if (!status.find()) {
            return Optional.of(ProbeResult.down("unexpected " + Replies.reply(reply, lineEnd)));
        }
        int code = Integer.parseInt(status.group(1));
        return Optional.of(statuses.stream().anyMatch(r -> r.contains(code))
                ? ProbeResult.up("status " + code)
                : ProbeResult.down("status " + code + ", expected " + statusText()));
    }

    private String statusText() {
        return String.join(",", statuses.stream().map(StatusRange::toString).toList());
    }

    /** A TLS client that accepts any certificate (see the class comment for why). */
    private static final class TrustAll extends X509ExtendedTrustManager {

        static final SSLSocketFactory FACTORY = factory();

        private static SSLSocketFactory factory() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[]{new TrustAll()}, null);
                return context.getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS in this JDK", e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // any certificate: liveness, not identity
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // any certificate: liveness, not identity
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // any certificate: liveness, not identity
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
