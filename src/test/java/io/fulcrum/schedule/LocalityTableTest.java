package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalityTableTest {

    private static final long EXPIRATION = TimeUnit.HOURS.toNanos(24);

    private static final class Key extends LocalityTable.Entry {

        Key(int key, long now) {
            super(key, now);
        }
    }

    private final LocalityTable<Key> table = new LocalityTable<>(EXPIRATION, 0);

    /** The hash_32(ip, 10) vectors of ipvs.md 1.12. */
    @ParameterizedTest
    @CsvSource({"10.0.0.1, 159", "10.0.0.2, 550", "192.168.1.100, 357", "172.16.5.9, 460"})
    void bucketIsTheTopTenBitsOfTheGoldenRatioProduct(String ip, int bucket) throws Exception {
        int fold = Flow.fold(java.net.InetAddress.getByName(ip));
        assertThat(LocalityTable.bucket(fold)).isEqualTo(bucket);
    }

    @Test
    void findsWhatWasInsertedAndNothingElse() {
        Key a = new Key(0x0A000001, 0);
        assertThat(table.insert(a, 0)).isSameAs(a);

        assertThat(table.find(0x0A000001)).isSameAs(a);
        assertThat(table.find(0x0A000002)).isNull();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void insertingAKeyAlreadyPresentReturnsTheCachedEntry() {
        Key first = new Key(7, 0);
        table.insert(first, 0);

        assertThat(table.insert(new Key(7, 5), 5)).isSameAs(first);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void aFullBucketCachesNothingMore() {
        List<Integer> keys = keysInBucket(0, LocalityTable.SLOTS_PER_BUCKET + 1);
        for (int i = 0; i < LocalityTable.SLOTS_PER_BUCKET; i++) {
            assertThat(table.insert(new Key(keys.get(i), 0), 0)).isNotNull();
        }

        int last = keys.get(LocalityTable.SLOTS_PER_BUCKET);
        assertThat(table.insert(new Key(last, 0), 0)).isNull();
        assertThat(table.find(last)).isNull();
    }

    @Test
    void anExpiredEntryFreesItsSlot() {
        List<Integer> keys = keysInBucket(3, LocalityTable.SLOTS_PER_BUCKET + 1);
        for (int i = 0; i < LocalityTable.SLOTS_PER_BUCKET; i++) {
            table.insert(new Key(keys.get(i), i == 5 ? 0 : EXPIRATION), 0);
        }
        Key late = new Key(keys.get(LocalityTable.SLOTS_PER_BUCKET), EXPIRATION);

        assertThat(table.insert(late, EXPIRATION)).isSameAs(late);
        assertThat(table.find(keys.get(5))).isNull();
        assertThat(table.size()).isEqualTo(LocalityTable.SLOTS_PER_BUCKET);
    }

    @Test
    void liveMeansUsedWithinTheExpiration() {
        Key k = new Key(1, 100);
        assertThat(table.isLive(k, 100 + EXPIRATION - 1)).isTrue();
        assertThat(table.isLive(k, 100 + EXPIRATION)).isFalse();
    }

    @Test
    void collectionDropsEntriesIdleForTheExpiration() {
        for (int key = 0; key < 5000; key++) {
            table.insert(new Key(key, 0), 0);
        }
        long later = EXPIRATION - TimeUnit.MINUTES.toNanos(1);
        for (int key = 0; key < 5000; key += 2) {
            table.find(key).lastUse = later;
        }

        sweepWholeTable(EXPIRATION);

        assertThat(table.size()).isEqualTo(2500);
        assertThat(table.find(0)).isNotNull();
        assertThat(table.find(1)).isNull();
    }

    @Test
    void underMaxSizeSixMinutesIdleIsKept() {
        for (int key = 0; key < LocalityTable.MAX_SIZE; key++) {
            table.insert(new Key(key, 0), 0);
        }

        sweepWholeTable(TimeUnit.MINUTES.toNanos(7));

        assertThat(table.size()).isEqualTo(LocalityTable.MAX_SIZE);
    }

    @Test
    void overMaxSizeEntriesIdleForSixMinutesAreTrimmedBackToMaxSize() {
        int over = LocalityTable.MAX_SIZE + 300;
        for (int key = 0; key < over; key++) {
            table.insert(new Key(key, 0), 0);
        }
        assertThat(table.size()).isEqualTo(over);

        // the sweep takes a minute: it ends before the entries are 6 minutes idle
        sweepWholeTable(TimeUnit.MINUTES.toNanos(4));
        assertThat(table.size()).isEqualTo(over);

        sweepWholeTable(TimeUnit.MINUTES.toNanos(7));
        assertThat(table.size()).isEqualTo(LocalityTable.MAX_SIZE);
    }

    @Test
    void oneBucketPerSliceInterval() {
        int inBucket0 = keysInBucket(0, 1).getFirst();
        int inBucket1 = keysInBucket(1, 1).getFirst();
        table.insert(new Key(inBucket0, 0), 0);
        table.insert(new Key(inBucket1, 0), 0);

        long t = EXPIRATION + LocalityTable.SLICE_INTERVAL;
        table.collect(t);
        table.collect(t);
        assertThat(table.size()).isEqualTo(1);

        table.collect(t + LocalityTable.SLICE_INTERVAL);
        assertThat(table.size()).isZero();
    }

    /** Runs one collection slice per interval until every bucket was visited once. */
    private void sweepWholeTable(long from) {
        long t = from;
        for (int i = 0; i < LocalityTable.BUCKETS; i++) {
            t += LocalityTable.SLICE_INTERVAL;
            table.collect(t);
        }
    }

    private static List<Integer> keysInBucket(int bucket, int count) {
        List<Integer> keys = new ArrayList<>();
        for (int key = 0; keys.size() < count; key++) {
            if (LocalityTable.bucket(key) == bucket) {
                keys.add(key);
            }
        }
        return keys;
    }
}
