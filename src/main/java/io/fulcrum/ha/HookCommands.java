package io.fulcrum.ha;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code active_cmd} and {@code inactive_cmd} through {@code /bin/sh -c}, as pulse did, one
 * after the other in the order the role changed (an {@code inactive_cmd} never overtakes the
 * {@code active_cmd} before it), on a thread of their own: a slow or hung script never delays a
 * takeover. Their output goes where the daemon's goes (the journal).
 */
final class HookCommands implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HookCommands.class);
    static final Duration LIMIT = Duration.ofSeconds(60);

    private final ExecutorService runner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("ha-hooks").daemon().factory());

    void run(String key, String command) {
        runner.execute(() -> runNow(key, command));
    }

    private static void runNow(String key, String command) {
        try {
            Process process = new ProcessBuilder("/bin/sh", "-c", command).inheritIO().start();
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                log.warn("{} '{}' still ran after {} s and was killed", key, command, LIMIT.toSeconds());
            } else if (process.exitValue() != 0) {
                log.warn("{} '{}' exited with status {}", key, command, process.exitValue());
            } else {
                log.info("{} '{}' done", key, command);
            }
        } catch (IOException e) {
            log.error("cannot run {} '{}': {}", key, command, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the hooks already asked for finish (the last {@code inactive_cmd} at a stop), within {@code limit}. */
    void close(Duration limit) {
        runner.shutdown();
        try {
            if (!runner.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("hooks still running after {} s; not waiting for them", limit.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
