package io.fulcrum.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fuzzes the control socket's HTTP handling (the real pipeline on an embedded channel): every complete
 * request gets an HTTP answer, and no bytes whatever make it fail, answer 500 or anything unparsable.
 * Regression inputs: src/test/resources/io/fulcrum/admin/ControlRequestFuzzTestInputs/METHOD; fuzz with
 * {@code bin/fuzz ControlRequestFuzzTest 600} (or {@code ControlRequestFuzzTest#rawBytes}).
 */
class ControlRequestFuzzTest {

    private static final Set<Integer> ANSWERS = Set.of(200, 400, 403, 404, 405, 413, 422);
    /** Headers that decide where a request ends; the fuzzer writes the framing itself. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "expect");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH");
    private static final List<String> PATHS = List.of("/v1/status", "/v1/connections", "/v1/reload", "/");

    /** A request with fuzzed method, target, headers and body, framed by a correct Content-Length. */
    @FuzzTest
    void request(FuzzedDataProvider data) {
        boolean stranger = data.consumeBoolean();
        String method = data.consumeBoolean() ? data.pickValue(METHODS) : data.consumeString(12);
        String target = data.consumeBoolean() ? data.pickValue(PATHS) + data.consumeString(40) : data.consumeString(80);
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        int headers = data.consumeInt(0, 8);
        for (int i = 0; i < headers; i++) {
            String name = data.consumeString(20).replaceAll("[\r\n]", "");
            String value = data.consumeString(60).replaceAll("[\r\n]", "");
            if (!FRAMING.contains(name.strip().toLowerCase(Locale.ROOT))) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        }
        byte[] body = data.consumeRemainingAsBytes();
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        request.writeBytes(body);

        try (EmbeddedControl control = new EmbeddedControl(stranger ? EmbeddedControl.STRANGER : EmbeddedControl.OWNER)) {
            control.send(request.toByteArray());
            List<HttpResponse> answers = control.responses();
            assertThat(answers).as("answers to %s", head).isNotEmpty();
            assertAnswers(answers);
            control.channel.checkException();
        }
    }

    /** Any bytes: no exception reaches the end of the pipeline, and whatever is answered is sound HTTP. */
    @FuzzTest
    void rawBytes(byte[] bytes) {
        try (EmbeddedControl control = new EmbeddedControl(EmbeddedControl.OWNER)) {
            control.send(bytes);
            assertAnswers(control.responses());
            control.channel.checkException();
        }
    }

    private static void assertAnswers(List<HttpResponse> answers) {
        for (HttpResponse answer : answers) {
            assertThat(answer.decoderResult().isSuccess()).as("answer parses: %s", answer).isTrue();
            assertThat(ANSWERS).as("status of %s", answer).contains(answer.status().code());
        }
    }
}
