package io.fulcrum.ha;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Floods a heartbeat port, for {@link HeartbeatFloodTest}: {@code HOST PORT RATE SECONDS [KEY]} sends RATE
 * datagrams a second (in bursts every millisecond) for SECONDS, then prints what it sent. The datagrams cycle
 * through junk, heartbeats signed with a wrong key, and (with KEY) replays: heartbeats signed with KEY from a
 * run long past. Prints {@code sent N in MS ms} at the end.
 */
public final class HeartbeatFlooder {

    private HeartbeatFlooder() {
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int rate = Integer.parseInt(args[2]);
        long duration = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        Optional<byte[]> key = args.length > 4 ? Optional.of(args[4].getBytes(StandardCharsets.UTF_8))
                : Optional.empty();
        List<ByteBuffer> datagrams = datagrams(key);
        long sent = 0;
        try (DatagramChannel channel = DatagramChannel.open()) {
            long start = System.nanoTime();
            long now = start;
            while (now - start < duration) {
                long due = (now - start) * rate / TimeUnit.SECONDS.toNanos(1);
                // behind (a busy host): catch up, but never past the end
                for (int burst = 0; sent < due && burst < 1024; sent++, burst++) {
                    ByteBuffer datagram = datagrams.get((int) (sent % datagrams.size()));
                    channel.send(datagram.rewind(), target);
                }
                Thread.onSpinWait();
                now = System.nanoTime();
            }
            System.out.printf("sent %d in %d ms%n", sent, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    private static List<ByteBuffer> datagrams(Optional<byte[]> key) {
        byte[] junk = new byte[HeartbeatCodec.MAX_SIZE];
        ThreadLocalRandom.current().nextBytes(junk);
        ByteBuffer wrongMac = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        new HeartbeatCodec(Optional.of("not the pair's shared secret".getBytes(StandardCharsets.UTF_8)))
                .encode(heartbeat(HaState.LEAVING, 1), wrongMac);
        if (key.isEmpty()) {
            return List.of(ByteBuffer.wrap(junk), wrongMac.flip());
        }
        ByteBuffer replay = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        new HeartbeatCodec(key).encode(heartbeat(HaState.LEAVING, 1), replay);
        return List.of(ByteBuffer.wrap(junk), wrongMac.flip(), replay.flip());
    }

    /** A heartbeat of a backup from boot 1 (1970): older than any real run. */
    private static Heartbeat heartbeat(HaState state, long sequence) {
        return new Heartbeat(RouterRole.BACKUP, state, 1, sequence, 7, 3, 3, true, true);
    }
}
