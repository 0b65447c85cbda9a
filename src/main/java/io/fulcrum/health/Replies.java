package io.fulcrum.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** Reason texts for log lines: a reply quoted readably, an I/O failure in a few words. */
final class Replies {

    private static final int QUOTED_CHARS = 60;

    private Replies() {
    }

    /** {@code reply "HTTP/1.1 200 OK\r\n..."}: bytes as ISO-8859-1, control bytes escaped, cut short. */
    static String reply(byte[] bytes, int length) {
        if (length == 0) {
            return "empty reply";
        }
        StringBuilder text = new StringBuilder("reply \"");
        int shown = 0;
        for (int i = 0; i < length && shown < QUOTED_CHARS; i++, shown++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\r' -> text.append("\\r");
                case '\n' -> text.append("\\n");
                case '\t' -> text.append("\\t");
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                default -> text.append(b < 0x20 || b >= 0x7f ? String.format("\\x%02x", b) : String.valueOf((char) b));
            }
        }
        return text.append(length > shown ? "\"..." : "\"").toString();
    }

    static String failure(IOException e, Duration timeout) {
        return switch (e) {
            case SocketTimeoutException _ -> "timeout after " + millis(timeout);
            case PortUnreachableException _ -> "port unreachable";
            case ConnectException c when String.valueOf(c.getMessage()).contains("refused") -> "connection refused";
            case NoRouteToHostException _ -> "no route to host";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase();
        };
    }

    static String millis(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
