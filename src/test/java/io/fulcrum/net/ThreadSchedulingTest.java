package io.fulcrum.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadSchedulingTest {

    /** Field 41 of /proc/thread-self/stat: the scheduling policy (0 normal, 2 round-robin). */
    private static String policyOfCallingThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return fields[41 - 3];
    }

    @Test
    void rootGetsARealTimeHeartbeatThreadAndOtherThreadsStayNormal() throws Exception {
        assumeThat(new com.sun.security.auth.module.UnixSystem().getUid())
                .as("real-time scheduling needs root (CAP_SYS_NICE)").isZero();
        AtomicReference<String> outcome = new AtomicReference<>();
        AtomicReference<String> policy = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            outcome.set(ThreadScheduling.raiseCallingThread());
            try {
                policy.set(policyOfCallingThread());
            } catch (Exception e) {
                policy.set(e.toString());
            }
        });
        thread.join();
        assertThat(outcome.get()).startsWith("real-time (SCHED_RR");
        assertThat(policy.get()).isEqualTo("2");
        assertThat(policyOfCallingThread()).isEqualTo("0");
    }
}
