package io.fulcrum.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A real server for the namespace tests, run as its own process inside a namespace
 * ({@code ip netns exec NS java ... NsRealServer NAME [PORT]}): it answers every TCP connection on
 * the wildcard address (IPv4 and IPv6) with a minimal HTTP/1.0 response whose body is its name and
 * the client's address ("rs1 10.77.0.3"), so Fulcrum's default check of port 80 (a GET expecting "HTTP") passes and wrk can load
 * it, then half-closes and waits for the client to close. In the keepalived runs of the failover
 * benchmark it stands in for the service on each router.
 */
public final class NsRealServer {

    private NsRealServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: NsRealServer NAME [PORT]  (PORT defaults to 80)");
            System.exit(2);
        }
        int port = args.length == 2 ? Integer.parseInt(args[1]) : 80;
        try (ServerSocket server = new ServerSocket(port, 1024)) {
            System.out.println("listening on " + server.getLocalSocketAddress());
            System.out.flush();
            while (true) {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> answer(client, args[0]));
            }
        }
    }

    private static void answer(Socket client, String name) {
        // The client's address tells which router a proxied connection came through.
        String body = name + " " + client.getInetAddress().getHostAddress() + "\n";
        try (client) {
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.0 200 OK\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            // Closing with an unread request in the buffer would send a RST that can cost the
            // client the answer: half-close and let the client end the connection.
            client.shutdownOutput();
            client.setSoTimeout(1000);
            InputStream in = client.getInputStream();
            while (in.read(new byte[512]) >= 0) {
                // drain the request
            }
        } catch (IOException e) {
            // the client went away first: nothing to answer
        }
    }
}
