package io.fulcrum.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fulcrum.model.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fuzzes the lvs.cf lexer, parser, binder and validator: any text either yields a config that the
 * writer renders back to an equal config, or errors that each name the file and a line of it.
 * Regression inputs: src/test/resources/io/fulcrum/config/LvsConfigFuzzTestInputs/parse; fuzz with
 * {@code bin/fuzz LvsConfigFuzzTest 600}.
 */
class LvsConfigFuzzTest {

    private static final String SOURCE = "fuzz.cf";

    /** No DNS: a name ending in .invalid does not exist, any other maps to a 10/8 address made from its hash. */
    private static HostNames fakeDns() {
        return new HostNames(name -> {
            if (name.endsWith(".invalid") || name.endsWith(".invalid.")) {
                return CompletableFuture.failedFuture(new UnknownHostException(name));
            }
            int h = name.hashCode();
            try {
                return CompletableFuture.completedFuture(
                        InetAddress.getByAddress(name, new byte[] {10, (byte) (h >> 16), (byte) (h >> 8), (byte) h}));
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }, Duration.ofSeconds(5));
    }

    @FuzzTest
    void parse(byte[] file) {
        String text = new String(file, StandardCharsets.UTF_8);
        ConfigResult result = LvsConfig.parse(SOURCE, text, fakeDns());

        int lines = (int) text.chars().filter(c -> c == '\n').count() + 1;
        List<Diagnostic> all = new ArrayList<>(result.errors());
        all.addAll(result.warnings());
        for (Diagnostic d : all) {
            assertThat(d.source()).isEqualTo(SOURCE);
            assertThat(d.line()).as("line of %s", d).isBetween(0, lines);
            assertThat(d.message()).as("message of %s", d).isNotBlank();
            assertThat(d.toString()).startsWith(SOURCE + ":");
        }
        if (result.config().isEmpty()) {
            assertThat(result.errors()).isNotEmpty();
            return;
        }
        Config config = result.config().get();
        String written = LvsConfig.write(config);
        ConfigResult again = LvsConfig.parse("written.cf", written, fakeDns());
        assertThat(again.errors()).as("errors in the written file:%n%s", written).isEmpty();
        assertThat(again.config()).as("written file:%n%s", written).contains(config);
    }
}
