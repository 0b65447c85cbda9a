package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fulcrum.config.LvsConfig;
import io.fulcrum.model.Config;
import io.fulcrum.schedule.Flow;
import io.fulcrum.table.ConnectionView;
import io.fulcrum.table.Engine;
import io.fulcrum.table.PersistenceTable;
import io.fulcrum.table.TableSnapshot;
import io.fulcrum.table.VirtualServerEntry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterTest {

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    /** An engine that serves nothing: these tests look at the table and the reload path only. */
    private static final class NoEngine implements Engine {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public void apply(TableSnapshot snapshot) {
        }

        @Override
        public List<ConnectionView> connections() {
            return List.of();
        }

        @Override
        public int drain(Duration limit) {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private Path write(String vip) throws IOException {
        Path file = dir.resolve("lvs.cf");
        Files.writeString(file, """
                primary = 127.0.0.1
                virtual web {
                     active = 1
                     address = %s
                     port = 80
                     scheduler = rr
                     persistent = 60
                     check = none
                     server s1 {
                          address = 127.0.0.2
                          active = 1
                     }
                     server s2 {
                          address = 127.0.0.3
                          active = 1
                     }
                }
                """.formatted(vip));
        return file;
    }

    private Router start(String vip) throws IOException {
        Path file = write(vip);
        Config config = LvsConfig.parse(file).config().orElseThrow();
        Router router = new Router(file, config, table -> new NoEngine(), now::get);
        router.start();
        return router;
    }

    private static String vip(Config config) {
        return config.virtualServers().getFirst().address().getHostAddress();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void expiredPersistenceTemplatesAreSweptAndTheirMemoryIsGivenBack() throws Exception {
        try (Router router = start("127.0.0.10")) {
            VirtualServerEntry web = router.table().snapshot().entry("web").orElseThrow();
            PersistenceTable templates = web.persistence().orElseThrow();
            InetAddress vip = InetAddress.getByName("127.0.0.10");
            long baseline = usedHeapAfterGc();

            for (int i = 0; i < 100_000; i++) {
                InetAddress client = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
                web.place(client, Flow.of(client, 40000, vip)).release();
            }
            assertThat(templates.size()).isEqualTo(100_000);
            long filled = usedHeapAfterGc();

            now.addAndGet(TimeUnit.SECONDS.toNanos(61));
            await().atMost(Duration.ofSeconds(10)).until(() -> templates.size() == 0);
            long swept = usedHeapAfterGc();

            System.out.printf("persistence sweep: heap used %d KiB before, %d KiB with 100,000 templates, %d KiB after the sweep%n",
                    baseline / 1024, filled / 1024, swept / 1024);
            assertThat(filled - baseline).as("100,000 templates take room").isGreaterThan(4L << 20);
            // what stays is the map's bin array, sized for the peak (4 bytes a slot: 1 MiB here)
            assertThat(swept - baseline).as("the heap is back").isLessThan((filled - baseline) / 5);
        }
    }

    /** The health monitor keeps checking a moved virtual server's real servers; the table keeps them in the pool. */
    @Test
    void aReloadThatMovesAVirtualServerLeavesItsCheckedRealServersInThePool() throws Exception {
        try (ServerSocket real = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path file = dir.resolve("lvs.cf");
            String text = """
                    primary = 127.0.0.1
                    virtual web {
                         active = 1
                         address = %s
                         port = 8080
                         check = tcp
                         server s1 {
                              address = 127.0.0.1
                              port = %d
                              active = 1
                         }
                    }
                    """;
            Files.writeString(file, text.formatted("127.0.0.10", real.getLocalPort()));
            try (Router router = new Router(file, LvsConfig.parse(file).config().orElseThrow(), table -> new NoEngine(), now::get)) {
                router.start();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !router.table().snapshot().entry("web").orElseThrow().pool().isEmpty());

                Files.writeString(file, text.formatted("127.0.0.11", real.getLocalPort()));
                assertThat(router.reload(next -> { }).applied()).isTrue();

                VirtualServerEntry web = router.table().snapshot().entry("web").orElseThrow();
                assertThat(web.config().address().getHostAddress()).isEqualTo("127.0.0.11");
                assertThat(web.pool()).extracting(m -> m.realServer().name()).containsExactly("s1");
            }
        }
    }

    /**
     * A slow follower (the pair's address update) on the first reload: on a path that lets the
     * second reload run meanwhile, the pair would end with the first, older, configuration.
     */
    @Test
    void twoReloadsAtOnceApplyInOrderAndThePairFollowsTheLastOne() throws Exception {
        try (Router router = start("127.0.0.10")) {
            List<String> followed = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch firstFollowing = new CountDownLatch(1);
            CountDownLatch secondDone = new CountDownLatch(1);
            write("127.0.0.11");
            Thread first = Thread.ofPlatform().start(() -> router.reload(next -> {
                firstFollowing.countDown();
                try {
                    secondDone.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                followed.add(vip(next));
            }));
            firstFollowing.await();
            write("127.0.0.12");
            Thread second = Thread.ofPlatform().start(() -> {
                router.reload(next -> followed.add(vip(next)));
                secondDone.countDown();
            });
            first.join();
            second.join();

            assertThat(followed).containsExactly("127.0.0.11", "127.0.0.12");
            assertThat(vip(router.config())).isEqualTo("127.0.0.12");
            assertThat(router.table().snapshot().entry("web").orElseThrow().config().address().getHostAddress())
                    .isEqualTo("127.0.0.12");
        }
    }

    /** Many reloads released at once, each after writing its own file: the last file written wins everywhere. */
    @Test
    void concurrentReloadsEndWithTheLastFileWrittenInTheTableAndThePair() throws Exception {
        try (Router router = start("127.0.0.10")) {
            for (int round = 0; round < 20; round++) {
                List<String> followed = Collections.synchronizedList(new ArrayList<>());
                Object writing = new Object();
                String[] lastWritten = new String[1];
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    String vip = "127.0.1." + (round * 4 + t + 1);
                    threads.add(Thread.ofPlatform().start(() -> {
                        try {
                            go.await();
                            synchronized (writing) {
                                write(vip);
                                lastWritten[0] = vip;
                            }
                        } catch (IOException | InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        router.reload(next -> {
                            Thread.yield();
                            followed.add(vip(next));
                        });
                    }));
                }
                go.countDown();
                for (Thread thread : threads) {
                    thread.join();
                }
                assertThat(vip(router.config())).as("round %d", round).isEqualTo(lastWritten[0]);
                assertThat(followed.getLast()).as("round %d: the pair follows the table", round).isEqualTo(lastWritten[0]);
            }
        }
    }
}
