package io.fulcrum.schedule;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The lblc/lblcr cache: entries keyed by the packet's destination address in 1024 buckets chosen by
 * {@code hash_32(addr, 10)}, as in ip_vs_lblc.c and ip_vs_lblcr.c.
 *
 * <p>Concurrency: every slot is an {@link AtomicReferenceArray} element, and an entry goes in or out
 * of the table with one CAS on its slot (nobody waits; a lost CAS only means another event loop
 * changed the slot first). What an entry carries is updated in place without any lock: a pick that
 * still holds an entry just removed writes into an object nobody reads any more, and racing writes
 * of {@code lastUse} can only make an entry look a few nanoseconds older or younger.
 *
 * <p>Memory is fixed: each bucket has {@value #SLOTS_PER_BUCKET} slots (32K in all) where the kernel
 * chains without limit. {@value #MAX_SIZE} is the kernel's max_size, the soft limit above which
 * entries idle for 6 minutes are collected. When a bucket is full a new key is simply not cached,
 * which is what the kernel does when it cannot allocate an entry.
 */
final class LocalityTable<E extends LocalityTable.Entry> {

    static final int BUCKETS = 1024;
    static final int SLOTS_PER_BUCKET = 32;
    static final int MAX_SIZE = BUCKETS * 16;
    /** ENTRY_TIMEOUT: the idle time after which entries go when the table is over max_size. */
    static final long ENTRY_TIMEOUT = TimeUnit.MINUTES.toNanos(6);
    /** The kernel collects once a minute; here one bucket per slice, so the whole table per minute. */
    static final long SLICE_INTERVAL = TimeUnit.MINUTES.toNanos(1) / BUCKETS;

    /** What the table holds for one destination address; subclasses add the dest (set). */
    abstract static class Entry {

        final int key;
        volatile long lastUse;

        Entry(int key, long now) {
            this.key = key;
            this.lastUse = now;
        }
    }

    private final AtomicReferenceArray<E> slots = new AtomicReferenceArray<>(BUCKETS * SLOTS_PER_BUCKET);
    private final AtomicInteger entries = new AtomicInteger();
    private final AtomicInteger rover = new AtomicInteger();
    private final AtomicLong nextSlice;
    private final long expiration;

    /**
     * @param expiration lblc_expiration / lblcr_expiration in nanoseconds: an entry idle this long is
     *     gone (it is treated as absent from that moment and collected later)
     */
    LocalityTable(long expiration, long now) {
        this.expiration = expiration;
        this.nextSlice = new AtomicLong(now + SLICE_INTERVAL);
    }

    /** {@code hash_32(key, 10)}: the top 10 bits of the golden-ratio product. */
    static int bucket(int key) {
        return (key * 0x61C88647) >>> 22;
    }

    /** The entry for {@code key} (possibly expired: see {@link #isLive}), or null. */
    E find(int key) {
        int base = bucket(key) * SLOTS_PER_BUCKET;
        for (int i = base; i < base + SLOTS_PER_BUCKET; i++) {
            E e = slots.get(i);
            if (e != null && e.key == key) {
                return e;
            }
        }
        return null;
    }

    boolean isLive(Entry e, long now) {
        return now - e.lastUse < expiration;
    }

    /**
     * Puts {@code entry} in the first free slot of its bucket (a slot holding an expired entry is
     * free). Returns the entry now cached for the key: {@code entry}, or one another event loop
     * inserted first; null when the bucket is full.
     */
    E insert(E entry, long now) {
        int base = bucket(entry.key) * SLOTS_PER_BUCKET;
        for (int i = base; i < base + SLOTS_PER_BUCKET; i++) {
            E e = slots.get(i);
            while (e == null || e.key != entry.key && !isLive(e, now)) {
                if (slots.compareAndSet(i, e, entry)) {
                    if (e == null) {
                        entries.incrementAndGet();
                    }
                    return entry;
                }
                e = slots.get(i);
            }
            if (e.key == entry.key) {
                return e;
            }
        }
        return null;
    }

    int size() {
        return entries.get();
    }

    /**
     * The kernel's periodic collection, done lazily by the picks: at most one bucket per
     * {@link #SLICE_INTERVAL}, claimed by CAS so that one pick does it and the others skip. Drops
     * entries idle for the expiration time and, while the table holds more than max_size entries,
     * those idle for {@link #ENTRY_TIMEOUT}. (The kernel trims over-full tables by a goal of 4/3 of
     * the excess per run; this stops at max_size.)
     */
    void collect(long now) {
        long due = nextSlice.get();
        if (now - due < 0 || !nextSlice.compareAndSet(due, now + SLICE_INTERVAL)) {
            return;
        }
        int base = (rover.getAndIncrement() & (BUCKETS - 1)) * SLOTS_PER_BUCKET;
        for (int i = base; i < base + SLOTS_PER_BUCKET; i++) {
            E e = slots.get(i);
            if (e == null) {
                continue;
            }
            long idle = now - e.lastUse;
            if ((idle >= expiration || idle >= ENTRY_TIMEOUT && entries.get() > MAX_SIZE)
                    && slots.compareAndSet(i, e, null)) {
                entries.decrementAndGet();
            }
        }
    }
}
