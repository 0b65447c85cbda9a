package io.fulcrum.model;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * IPVS persistence (lvs.cf {@code persistent}, {@code pmask}; ipvsadm {@code -p}, {@code -M}).
 *
 * @param timeoutSeconds how long a client network sticks to its real server; 0 = off
 * @param prefixLength   the client network prefix; empty = the whole client address
 *                       (Piranha treats pmask 255.255.255.255 as unset)
 */
public record Persistence(int timeoutSeconds, OptionalInt prefixLength) {

    public static final Persistence NONE = new Persistence(0, OptionalInt.empty());

    public Persistence {
        Checks.inRange(timeoutSeconds, 0, Integer.MAX_VALUE, "persistence timeout");
        Objects.requireNonNull(prefixLength, "prefixLength");
        prefixLength.ifPresent(p -> Checks.inRange(p, 0, 127, "persistence prefix length"));
    }

    public boolean isPersistent() {
        return timeoutSeconds > 0;
    }

    /** The prefix length applied to a client address of the given family. */
    public int clientPrefix(boolean ipv6) {
        return prefixLength.orElse(ipv6 ? 128 : 32);
    }
}
