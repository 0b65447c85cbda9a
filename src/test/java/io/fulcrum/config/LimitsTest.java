package io.fulcrum.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one lvs.cf may cost: its size, and the time its host names take to resolve. */
class LimitsTest {

    @TempDir
    Path dir;

    @Test
    void aFileLargerThanFourMebibytesIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("huge.cf");
        String padding = "#".repeat(1023) + "\n";
        Files.writeString(file, ConfigTexts.MINIMAL + padding.repeat(4 * 1024));

        ConfigResult result = LvsConfig.parse(file);

        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).singleElement().asString()
                .isEqualTo(file + ": larger than 4 MiB, the most an lvs.cf may be: nothing read");
    }

    @Test
    void aFileOfExactlyFourMebibytesIsRead() throws IOException {
        Path file = dir.resolve("big.cf");
        int room = LvsConfig.MAX_FILE_BYTES - ConfigTexts.MINIMAL.length();
        Files.writeString(file, ConfigTexts.MINIMAL + "#".repeat(room - 1) + "\n");

        assertThat(LvsConfig.parse(file).errors()).isEmpty();
    }

    @Test
    void aHostNameWithoutAnAnswerIsAnErrorAfterTheBudgetNotAStall() {
        String text = "primary = router1" + StallingResolverProvider.STALLING_DOMAIN + "\n" + ConfigTexts.MINIMAL;

        ConfigResult result = assertTimeoutPreemptively(HostNames.BUDGET.plusSeconds(5),
                () -> LvsConfig.parse("slow.cf", text));

        assertThat(result.errors()).singleElement().asString()
                .isEqualTo("slow.cf:1: primary: cannot resolve host name `router1.stalls.test` within 5 s (the "
                        + "time all host names of a file share): write the IP address instead");
    }

    @Test
    void allHostNamesOfAFileShareOneBudget() {
        HostNames never = new HostNames(name -> new java.util.concurrent.CompletableFuture<>(), Duration.ofMillis(300));
        String text = "primary = a.example\nbackup = b.example\n" + ConfigTexts.MINIMAL;

        long start = System.nanoTime();
        ConfigResult result = LvsConfig.parse("slow.cf", text, never);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.errors()).extracting(Diagnostic::line).containsExactly(1, 2);
        assertThat(took).isLessThan(Duration.ofMillis(300 * 2));
    }
}
