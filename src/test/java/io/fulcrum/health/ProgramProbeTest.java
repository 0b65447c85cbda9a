package io.fulcrum.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramProbeTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final InetSocketAddress TARGET = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8053);

    @TempDir
    Path directory;

    private String script(String name, String body) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file.toString();
    }

    private static ProgramProbe probe(String command, String expect) {
        return new ProgramProbe(command, Optional.ofNullable(expect), TIMEOUT);
    }

    @Test
    void exitCodeDecidesWithoutExpect() throws Exception {
        assertThat(probe(script("ok", "exit 0"), null).check(TARGET)).isEqualTo(ProbeResult.up("exit code 0"));
        assertThat(probe(script("bad", "exit 3"), null).check(TARGET)).isEqualTo(ProbeResult.down("exit code 3"));
    }

    @Test
    void outputLessOneNewlineMustEqualExpect() throws Exception {
        assertThat(probe(script("ok", "echo OK"), "OK").check(TARGET)).isEqualTo(ProbeResult.up("exit code 0 \"OK\""));
        assertThat(probe(script("fail", "echo FAIL"), "OK").check(TARGET))
                .isEqualTo(ProbeResult.down("unexpected output \"FAIL\""));
        assertThat(probe(script("okay", "echo OKAY"), "OK").check(TARGET).up()).as("no prefix match").isFalse();
        assertThat(probe(script("two", "printf 'OK\\n\\n'"), "OK").check(TARGET).up()).as("one newline only").isFalse();
        assertThat(probe(script("bare", "printf OK"), "OK").check(TARGET).up()).as("no newline to chop").isTrue();
    }

    @Test
    void failingProgramIsDownEvenWhenItsOutputMatches() throws Exception {
        assertThat(probe(script("liar", "echo OK; exit 1"), "OK").check(TARGET))
                .isEqualTo(ProbeResult.down("exit code 1 \"OK\""));
    }

    @Test
    void theOutputIsQuotedAlikeUpAndDownWithoutItsTrailingNewline() throws Exception {
        assertThat(probe(script("up", "echo 'load 0.5'"), null).check(TARGET))
                .isEqualTo(ProbeResult.up("exit code 0 \"load 0.5\""));
        assertThat(probe(script("down", "echo 'load 0.5'; exit 2"), null).check(TARGET))
                .isEqualTo(ProbeResult.down("exit code 2 \"load 0.5\""));
    }

    @Test
    void hostAndPortAreSubstituted() throws Exception {
        String command = script("args", "echo \"$1|$2|$3\"") + " %h --port=%p  literal";
        assertThat(probe(command, "127.0.0.1|--port=8053|literal").check(TARGET).up()).isTrue();
        assertThat(probe(command, null).arguments(TARGET)).endsWith("127.0.0.1", "--port=8053", "literal");
    }

    @Test
    void stdinIsEmpty() throws Exception {
        assertThat(probe(script("stdin", "wc -c"), "0").check(TARGET).up()).isTrue();
    }

    @Test
    void missingProgramIsDown() throws Exception {
        ProbeResult result = probe(directory.resolve("nope").toString(), null).check(TARGET);
        assertThat(result.up()).isFalse();
        assertThat(result.reason()).startsWith("cannot run ");
    }

    @Test
    void hangingProgramIsKilledWithItsChildAtTheTimeout() throws Exception {
        Path pidFile = directory.resolve("child.pid");
        String hang = script("hang", "sleep 60 &\necho $! > " + pidFile + "\nwait");
        long start = System.nanoTime();
        assertThat(probe(hang, "OK").check(TARGET)).isEqualTo(ProbeResult.down("timeout after 500 ms, killed"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertGone(pidFile);
    }

    @Test
    void interruptKillsTheProgramAndItsChild() throws Exception {
        Path pidFile = directory.resolve("child.pid");
        ProgramProbe probe = new ProgramProbe(script("hang", "sleep 60 &\necho $! > " + pidFile + "\nwait"),
                Optional.empty(), Duration.ofSeconds(30));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread checker = Thread.ofVirtual().start(() -> {
            try {
                probe.check(TARGET);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        awaitFile(pidFile);
        checker.interrupt();
        assertThat(checker.join(Duration.ofSeconds(3))).isTrue();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertGone(pidFile);
    }

    @Test
    void blankCommandIsRejected() {
        assertThatThrownBy(() -> probe("  ", null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void awaitFile(Path file) throws InterruptedException, IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(file) && !Files.readString(file).isBlank()) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }

    /** Killed = no longer running: gone, or a zombie waiting for init (which may reap it seconds later). */
    private static void assertGone(Path pidFile) throws Exception {
        awaitFile(pidFile);
        Path stat = Path.of("/proc", Files.readString(pidFile).trim(), "stat");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (running(stat) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(running(stat)).as("child still running").isFalse();
    }

    private static boolean running(Path stat) {
        try {
            String text = Files.readString(stat);
            return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }
}
