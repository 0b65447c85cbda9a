package io.fulcrum.table;

import java.util.Objects;

/**
 * Where a new connection goes: the pool member (or sorry server) it is bound to, and the
 * persistence template that placed it, if any. The data path keeps it for the connection's life
 * and calls {@link #release} once when the connection ends.
 */
public record Placement(PoolMember member, PersistenceTable.Template template) {

    public Placement {
        Objects.requireNonNull(member, "member");
    }

    /** The connection ended: the template stops counting it. Counters are the caller's business. */
    public void release() {
        if (template != null) {
            template.release();
        }
    }
}
