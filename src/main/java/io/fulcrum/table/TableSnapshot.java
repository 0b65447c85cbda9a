package io.fulcrum.table;

import io.fulcrum.model.ServiceKey;
import io.fulcrum.model.Timeouts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The virtual-server table at one moment, immutable: what the engines serve and the admin side
 * lists. The data path reads the current snapshot once per new connection and finds its virtual
 * server by key in a map built once here.
 */
public final class TableSnapshot {

    public static final TableSnapshot EMPTY = new TableSnapshot(0, Timeouts.DEFAULT, List.of());

    private final long version;
    private final Timeouts timeouts;
    private final List<VirtualServerEntry> entries;
    private final Map<ServiceKey, VirtualServerEntry> byKey;

    /**
     * @param version  increases with every change published by the table
     * @param timeouts the idle timeouts of connections (ipvsadm {@code --set}); zero = the default
     * @param entries  the active virtual servers, in lvs.cf order
     */
    public TableSnapshot(long version, Timeouts timeouts, List<VirtualServerEntry> entries) {
        this.version = version;
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.entries = List.copyOf(entries);
        Map<ServiceKey, VirtualServerEntry> index = new HashMap<>();
        this.entries.forEach(e -> index.put(e.key(), e));
        this.byKey = Map.copyOf(index);
    }

    public long version() {
        return version;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public List<VirtualServerEntry> entries() {
        return entries;
    }

    public Optional<VirtualServerEntry> entry(ServiceKey key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /** The virtual server for {@code key}, or null: the data path's lookup, allocation-free. */
    public VirtualServerEntry entryOrNull(ServiceKey key) {
        return byKey.get(key);
    }

    public Optional<VirtualServerEntry> entry(String virtualServerName) {
        return entries.stream().filter(e -> e.config().name().equals(virtualServerName)).findFirst();
    }
}
