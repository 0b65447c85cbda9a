package io.fulcrum.health;

/**
 * Receives health changes. Called on the check's own virtual thread: events of one real server arrive in
 * order, events of different real servers may arrive concurrently. Keep it quick (the next check of
 * that real server waits for it) and do not call back into the {@link HealthMonitor} from it: a
 * reload holds the monitor while it hands new weights to the checks.
 */
@FunctionalInterface
public interface HealthListener {

    void onChange(HealthEvent event);
}
