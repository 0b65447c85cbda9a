package io.fulcrum.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What one control connection may cost the daemon: the size of a request, and an idle connection. */
class ControlConnectionTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aRequestLargerThanTheLimitIs413AndItsBodyIsDiscarded() {
        try (EmbeddedControl control = new EmbeddedControl(EmbeddedControl.OWNER)) {
            int size = ControlServer.MAX_REQUEST_BYTES + 1;
            control.send(ascii("POST /v1/reload HTTP/1.1\r\nContent-Length: " + size + "\r\n\r\n" + "x".repeat(size)));
            assertThat(control.responses()).singleElement().extracting(r -> r.status().code()).isEqualTo(413);

            control.send(ascii("GET /v1/status HTTP/1.1\r\n\r\n"));
            assertThat(control.responses()).singleElement().extracting(r -> r.status().code()).isEqualTo(200);
        }
    }

    @Test
    void aRequestLargerThanTheLimitOnAConnectionToCloseIs413AndClosed() {
        try (EmbeddedControl control = new EmbeddedControl(EmbeddedControl.OWNER)) {
            control.send(ascii("POST /v1/reload HTTP/1.1\r\nConnection: close\r\nContent-Length: "
                    + (ControlServer.MAX_REQUEST_BYTES + 1) + "\r\n\r\n"));

            assertThat(control.responses()).singleElement().extracting(r -> r.status().code()).isEqualTo(413);
            assertThat(control.channel.isOpen()).isFalse();
        }
    }

    @Test
    void aRequestWithinTheLimitIsServed() {
        try (EmbeddedControl control = new EmbeddedControl(EmbeddedControl.OWNER)) {
            control.send(ascii("GET /v1/status HTTP/1.1\r\nContent-Length: " + ControlServer.MAX_REQUEST_BYTES
                    + "\r\n\r\n" + "x".repeat(ControlServer.MAX_REQUEST_BYTES)));

            assertThat(control.responses()).singleElement().extracting(r -> r.status().code()).isEqualTo(200);
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterThirtySeconds() {
        try (EmbeddedControl control = new EmbeddedControl(EmbeddedControl.OWNER)) {
            control.send(ascii("GET /v1/status HTTP/1.1\r\n\r\n"));
            assertThat(control.responses()).hasSize(1);

            control.channel.advanceTimeBy(29, TimeUnit.SECONDS);
            control.channel.runScheduledPendingTasks();
            assertThat(control.channel.isOpen()).isTrue();

            control.channel.advanceTimeBy(2, TimeUnit.SECONDS);
            control.channel.runScheduledPendingTasks();
            assertThat(control.channel.isOpen()).isFalse();
        }
    }

    @Test
    void aMalformedRequestIs400AndTheConnectionCloses() {
        try (EmbeddedControl control = new EmbeddedControl(EmbeddedControl.OWNER)) {
            control.send(ascii("GET /v1/status HTTP/1.1\r\nno colon here\r\n\r\n"));

            assertThat(control.responses()).singleElement().extracting(r -> r.status().code()).isEqualTo(400);
            assertThat(control.channel.isOpen()).isFalse();
        }
    }
}
