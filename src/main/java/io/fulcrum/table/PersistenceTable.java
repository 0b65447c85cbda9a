package io.fulcrum.table;

import io.fulcrum.model.Persistence;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * IPVS persistence templates of one virtual server (ipvs.md 2.4): a client network, the client's
 * address masked by {@code pmask}, sticks to the real server it was first given. A template lives
 * for the persistence timeout after its last new connection, and is never dropped while it still
 * controls open connections. A template whose real server has left the pool is not honoured
 * (IPVS's template check); one whose real server is quiesced (weight 0) still is, as in IPVS with
 * the default {@code expire_quiescent_template = 0}.
 *
 * <p>Shared by every snapshot while the virtual server's persistence settings are unchanged.
 */
public final class PersistenceTable {

    /**
     * The real server a client network sticks to. A connection placed through a template holds it
     * and calls {@link #release()} when it ends.
     */
    public final class Template {
        /** {@link #controlled} once the sweep has dropped the template: nothing may take it again. */
        private static final int SWEPT = -1;

        private final InetAddress network;
        final RealServerCounters member;
        private volatile long expiresAtNanos;
        private final AtomicInteger controlled = new AtomicInteger(1);

        private Template(InetAddress network, RealServerCounters member, long now) {
            this.network = network;
            this.member = member;
            this.expiresAtNanos = now + timeoutNanos;
        }

        /** The connection this template placed has ended. */
        public void release() {
            controlled.updateAndGet(n -> n > 0 ? n - 1 : n);
        }

        /** Counts one more connection and re-arms the timeout; false when expired or swept. */
        private boolean take(long now) {
            if (expired(now)) {
                return false;
            }
            int n;
            do {
                n = controlled.get();
                if (n == SWEPT) {
                    return false;
                }
            } while (!controlled.compareAndSet(n, n + 1));
            expiresAtNanos = now + timeoutNanos;
            return true;
        }

        /** Marks an expired template swept, unless a connection took it meanwhile. */
        private boolean sweep(long now) {
            return now - expiresAtNanos >= 0 && controlled.compareAndSet(0, SWEPT);
        }

        boolean expired(long now) {
            int n = controlled.get();
            return n == SWEPT || (n == 0 && now - expiresAtNanos >= 0);
        }
    }

    private final ConcurrentHashMap<InetAddress, Template> templates = new ConcurrentHashMap<>();
    private final Persistence persistence;
    private final long timeoutNanos;
    private final LongSupplier nanoClock;

    public PersistenceTable(Persistence persistence, LongSupplier nanoClock) {
        if (!persistence.isPersistent()) {
            throw new IllegalArgumentException("persistence is off");
        }
        this.persistence = persistence;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(persistence.timeoutSeconds());
        this.nanoClock = nanoClock;
    }

    public Persistence persistence() {
        return persistence;
    }

    /**
     * Places a new connection from {@code client}: through its network's live template when the
     * template's real server is still in the pool ({@code inPool} finds it, null if it left:
     * IPVS's template check), else where {@code schedule} says, recording a new template. Null
     * when there is no template to honour and the scheduler has nothing.
     *
     * <p>A template is created atomically per client network (under the map's bin lock, which
     * only connections of networks in the same bin ever wait for): connections of one network that
     * arrive at once on different event loops all go where the first one was scheduled. A hit,
     * the common case, takes no lock.
     */
    Placement place(InetAddress client, Function<RealServerCounters, PoolMember> inPool,
                    Supplier<PoolMember> schedule) {
        InetAddress key = network(client);
        long now = nanoClock.getAsLong();
        Template existing = templates.get(key);
        Placement placed = existing == null ? null : reuse(existing, now, inPool);
        if (placed != null) {
            return placed;
        }
        Placement[] created = new Placement[1];
        templates.compute(key, (network, template) -> {
            Placement reused = template == null ? null : reuse(template, now, inPool);
            if (reused != null) {
                created[0] = reused;
                return template;
            }
            PoolMember chosen = schedule.get();
            if (chosen == null) {
                return null;
            }
            Template fresh = new Template(network, chosen.counters(), now);
            created[0] = new Placement(chosen, fresh);
            return fresh;
        });
        return created[0];
    }

    /** The placement {@code template} gives, or null when it has expired or its real server left the pool. */
    private static Placement reuse(Template template, long now, Function<RealServerCounters, PoolMember> inPool) {
        if (!template.take(now)) {
            return null;
        }
        PoolMember member = inPool.apply(template.member);
        if (member == null) {
            template.release();
            return null;
        }
        return new Placement(member, template);
    }

    /** Drops expired templates; a control thread calls this now and then, never the data path. */
    public int expire() {
        long now = nanoClock.getAsLong();
        int swept = 0;
        for (Template template : templates.values()) {
            if (template.sweep(now) && templates.remove(template.network, template)) {
                swept++;
            }
        }
        return swept;
    }

    public int size() {
        return templates.size();
    }

    /** The client's network: its address with the bits beyond the persistence prefix cleared. */
    InetAddress network(InetAddress client) {
        byte[] bytes = client.getAddress();
        int prefix = Math.min(persistence.clientPrefix(bytes.length == 16), bytes.length * 8);
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.clamp(prefix - i * 8, 0, 8);
            bytes[i] = (byte) (bytes[i] & (0xff00 >>> keep));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    /** A template as {@code ipvsadm -L -c} lists it. */
    public record TemplateView(InetAddress clientNetwork, RealServerCounters member, Duration expires) {
    }

    /** The templates now, for the connection listing. */
    public List<TemplateView> templates() {
        long now = nanoClock.getAsLong();
        List<TemplateView> views = new ArrayList<>();
        templates.forEach((network, template) -> {
            if (!template.expired(now)) {
                views.add(new TemplateView(network, template.member,
                        Duration.ofNanos(Math.max(0, template.expiresAtNanos - now))));
            }
        });
        return views;
    }
}
