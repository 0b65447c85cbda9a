package io.fulcrum.schedule;

import java.util.List;

/**
 * The compact row notation of the table-driven scheduler tests: weights {@code "4,3,2"}, connection
 * counts {@code "5/0,2/10,0/0"} (active/inactive per dest, blank for all idle), overload flags
 * {@code "-X-"} (X = OVERLOAD set, blank for none), and a pick written as the dest's name or
 * {@code none}.
 */
final class PoolRows {

    private PoolRows() {
    }

    static List<TestDestination> pool(String weights, String connections, String overloads) {
        String[] w = weights.split(",");
        int[] parsed = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            parsed[i] = Integer.parseInt(w[i].trim());
        }
        List<TestDestination> pool = TestDestination.pool(parsed);
        apply(pool, connections, overloads);
        return pool;
    }

    /** Sets counts and overload flags on an existing pool; a blank column leaves them as they are. */
    static void apply(List<TestDestination> pool, String connections, String overloads) {
        if (connections != null && !connections.isBlank()) {
            String[] c = connections.split(",");
            if (c.length != pool.size()) {
                throw new IllegalArgumentException("connections for " + c.length + " dests, pool has " + pool.size());
            }
            for (int i = 0; i < c.length; i++) {
                String[] ai = c[i].trim().split("/");
                pool.get(i).connections(Integer.parseInt(ai[0]), Integer.parseInt(ai[1]));
            }
        }
        if (overloads != null && !overloads.isBlank()) {
            if (overloads.length() != pool.size()) {
                throw new IllegalArgumentException("overload flags for " + overloads.length() + " dests");
            }
            for (int i = 0; i < overloads.length(); i++) {
                pool.get(i).overloaded(overloads.charAt(i) == 'X');
            }
        }
    }

    static String name(Destination d) {
        return d == null ? "none" : ((TestDestination) d).name();
    }

    /** The names of {@code count} successive picks, concatenated ("AABC"); "." for a null pick. */
    static String picks(Scheduler scheduler, int count) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Destination d = scheduler.pick(Flows.ANY);
            names.append(d == null ? "." : name(d));
        }
        return names.toString();
    }
}
