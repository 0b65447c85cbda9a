package io.fulcrum.model;

import java.util.ArrayList;
import java.util.List;

/** Ports as text with each run of consecutive ascending ports as a range: {@code 21 30000-30999}. */
public final class PortRuns {

    private PortRuns() {
    }

    public static String text(List<Integer> ports) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < ports.size(); ) {
            int end = i;
            while (end + 1 < ports.size() && ports.get(end + 1) == ports.get(end) + 1) {
                end++;
            }
            parts.add(end == i ? String.valueOf(ports.get(i)) : ports.get(i) + "-" + ports.get(end));
            i = end + 1;
        }
        return String.join(" ", parts);
    }
}
