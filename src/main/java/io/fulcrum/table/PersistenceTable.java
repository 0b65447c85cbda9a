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
import java.util.function.LongSupplier;

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
            controlled.updateAndGet(n -> n > 0 ? n - 1 : 0);
        }

        boolean expired(long now) {
            return controlled.get() == 0 && now - expiresAtNanos >= 0;
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
     * The live template of the client's network, re-armed and counting one more controlled
     * connection, or null when there is none (then the caller schedules and calls {@link #remember}).
     */
    Template lookup(InetAddress client) {
        InetAddress key = network(client);
        Template template = templates.get(key);
        if (template == null) {
            return null;
        }
        long now = nanoClock.getAsLong();
        if (template.expired(now)) {
            templates.remove(key, template);
            return null;
        }
        template.expiresAtNanos = now + timeoutNanos;
        template.controlled.incrementAndGet();
        return template;
    }

    /** IPVS's template check failed (its real server left the pool): the template is dropped. */
    void invalidate(Template template) {
        templates.remove(template.network, template);
    }

    /** Records the scheduler's choice for the client's network; the new template controls one connection. */
    Template remember(InetAddress client, PoolMember member) {
        InetAddress key = network(client);
        Template fresh = new Template(key, member.counters(), nanoClock.getAsLong());
        templates.put(key, fresh);
        return fresh;
    }

    /** Drops expired templates; the control side calls this now and then. */
    public int expire() {
        long now = nanoClock.getAsLong();
        int before = templates.size();
        templates.values().removeIf(t -> t.expired(now));
        return before - templates.size();
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
