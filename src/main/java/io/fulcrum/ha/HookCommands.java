package io.fulcrum.ha;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code active_cmd} and {@code inactive_cmd} through {@code /bin/sh -c}, as pulse did, on a
 * virtual thread of their own: a slow or hung script never delays a takeover. Their output goes
 * where the daemon's goes (the journal).
 */
final class HookCommands {

    private static final Logger log = LoggerFactory.getLogger(HookCommands.class);
    static final Duration LIMIT = Duration.ofSeconds(60);

    private HookCommands() {
    }

    static void run(String key, String command) {
        Thread.ofVirtual().name(key).start(() -> {
            try {
                Process process = new ProcessBuilder("/bin/sh", "-c", command)
                        .inheritIO()
                        .start();
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
        });
    }
}
