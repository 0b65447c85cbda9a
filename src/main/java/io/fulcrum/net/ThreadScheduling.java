package io.fulcrum.net;

/**
 * Raises the calling thread above the rest of the process, as keepalived does for VRRP
 * ({@code vrrp_rt_priority}): a heartbeat that waits behind a saturated proxy for the CPU is a
 * false failover waiting to happen.
 */
public final class ThreadScheduling {

    /** {@code SCHED_RR} from sched.h. */
    private static final int SCHED_RR = 2;
    /** Low among real-time priorities (1..99): above every normal thread, below the kernel's own. */
    private static final int REALTIME_PRIORITY = 10;
    private static final int NICE = -10;

    private ThreadScheduling() {
    }

    /**
     * Puts the calling thread in the round-robin real-time class, or failing that (no
     * CAP_SYS_NICE, a container's limits) gives it nice -10, or leaves it as it is.
     *
     * @return what was done, for the log
     */
    public static String raiseCallingThread() {
        int tid = Posix.gettid();
        try {
            Posix.schedSetScheduler(tid, SCHED_RR, REALTIME_PRIORITY);
            return "real-time (SCHED_RR " + REALTIME_PRIORITY + ")";
        } catch (ErrnoException realtime) {
            try {
                Posix.setThreadNice(tid, NICE);
                return "nice " + NICE + " (real-time refused: " + realtime.getMessage() + ")";
            } catch (ErrnoException nice) {
                return "normal (real-time and nice refused: " + nice.getMessage() + ")";
            }
        }
    }
}
