package io.fulcrum.table;

import io.fulcrum.model.ServiceKey;
import io.fulcrum.model.Timeouts;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The virtual-server table at one moment, immutable: what the engines serve and the admin side
 * lists. The data path reads the current snapshot once per new connection.
 *
 * @param version  increases with every change published by the table
 * @param timeouts the idle timeouts of connections (ipvsadm {@code --set}); zero = the default
 * @param entries  the active virtual servers, in lvs.cf order
 */
public record TableSnapshot(long version, Timeouts timeouts, List<VirtualServerEntry> entries) {

    public static final TableSnapshot EMPTY = new TableSnapshot(0, Timeouts.DEFAULT, List.of());

    public TableSnapshot {
        Objects.requireNonNull(timeouts, "timeouts");
        entries = List.copyOf(entries);
    }

    public Optional<VirtualServerEntry> entry(ServiceKey key) {
        return entries.stream().filter(e -> e.config().key().equals(key)).findFirst();
    }

    public Optional<VirtualServerEntry> entry(String virtualServerName) {
        return entries.stream().filter(e -> e.config().name().equals(virtualServerName)).findFirst();
    }
}
