package io.fulcrum.ha;

import io.fulcrum.model.AddressText;
import io.fulcrum.net.AddressExistsException;
import io.fulcrum.net.Addresses;
import io.fulcrum.net.HostAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the floating addresses up and down, and removes only what it added. Every address is
 * written to a ledger in the state directory before it is added, so that after a crash the next
 * start can remove exactly the stale addresses this router left behind, and never an address an
 * operator put there.
 */
final class AddressOwner {

    private static final Logger log = LoggerFactory.getLogger(AddressOwner.class);

    static final String LOOPBACK = "lo";
    private static final Duration ROUTE_WAIT = Duration.ofSeconds(1);

    private final Addresses addresses;
    private final Path ledger;
    /** Touched only on the actions thread; {@link #heldSnapshot} serves the other threads. */
    private final Set<HostAddress> added = new LinkedHashSet<>();
    private volatile List<HostAddress> heldSnapshot = List.of();

    AddressOwner(Addresses addresses, Path ledger) {
        this.addresses = addresses;
        this.ledger = ledger;
    }

    /** At start: takes down what a previous run of this router added and did not remove (it crashed). */
    void removeStale() throws IOException {
        if (!Files.exists(ledger)) {
            return;
        }
        for (String line : Files.readAllLines(ledger)) {
            if (line.isBlank()) {
                continue;
            }
            HostAddress stale;
            try {
                stale = parse(line);
            } catch (RuntimeException e) {
                log.warn("ignoring unreadable line '{}' in {}", line, ledger);
                continue;
            }
            try {
                if (addresses.deviceOf(stale.address()).isPresent()) {
                    log.warn("removing {}: added by a previous run of this router that did not stop cleanly",
                            FloatingAddresses.text(stale));
                    addresses.remove(stale);
                }
            } catch (IOException e) {
                // a renamed device, say: not a reason to refuse to start, now or at every start after
                log.error("cannot remove the stale {}: {}; remove it by hand", FloatingAddresses.text(stale), e.getMessage());
            }
        }
        Files.delete(ledger);
    }

    /**
     * Brings up each address this router does not hold yet, handing each to {@code whenUp} as soon
     * as it is up, as long as {@code stillWanted} holds. One that an interface already holds
     * and that this router did not add is left alone (and never removed later), with a warning:
     * somebody else manages it.
     *
     * @return whether every wanted address is up now (added, or there already)
     */
    boolean bringUp(List<HostAddress> wanted, Consumer<HostAddress> whenUp, BooleanSupplier stillWanted) {
        boolean allUp = true;
        for (HostAddress address : wanted) {
            if (!stillWanted.getAsBoolean()) {
                return false;
            }
            if (added.contains(address)) {
                continue;
            }
            // no look first: one call, not two, on the way to the first gratuitous ARP
            try {
                added.add(address);
                writeLedger();
                addresses.add(address);
                awaitRouted(address);
                whenUp.accept(address);
                log.info("brought up {}", FloatingAddresses.text(address));
            } catch (AddressExistsException e) {
                log.warn("{} is already on {} and was not added by Fulcrum: left as it is, and not removed"
                        + " when this router steps down", AddressText.of(address.address()), address.device());
                forget(address);
            } catch (IOException e) {
                log.error("cannot bring up {}: {}", FloatingAddresses.text(address), e.getMessage());
                forget(address);
                allUp = false;
            }
        }
        return allUp;
    }

    /** Announcing an address the kernel does not route yet would send clients into a hole (IPv6: milliseconds). */
    private void awaitRouted(HostAddress address) throws IOException {
        long deadline = System.nanoTime() + ROUTE_WAIT.toNanos();
        while (!addresses.routed(address)) {
            if (System.nanoTime() > deadline) {
                log.warn("{}: the kernel does not route it {} ms after it was added; announcing it anyway",
                        FloatingAddresses.text(address), ROUTE_WAIT.toMillis());
                return;
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** Takes down the addresses this router added that are not in {@code wanted}. */
    void keepOnly(List<HostAddress> wanted) {
        for (HostAddress address : List.copyOf(added)) {
            if (!wanted.contains(address)) {
                takeDown(address);
            }
        }
    }

    /**
     * Takes the addresses this router added off their interfaces but keeps each on the loopback
     * device (a host address there): still local, so the connections open to them go on, but no
     * longer on the network (second chance, docs/ha.md). The ledger lists the loopback copies.
     *
     * @return the addresses moved
     */
    List<HostAddress> moveToLoopback() throws IOException {
        List<HostAddress> moved = new ArrayList<>();
        for (HostAddress address : List.copyOf(added)) {
            if (address.device().equals(LOOPBACK)) {
                continue;
            }
            HostAddress local = new HostAddress(address.address(), address.address().getAddress().length * 8, LOOPBACK,
                    Optional.empty());
            added.add(local);
            writeLedger();
            // first the copy, then the original: the address never stops being local
            try {
                addresses.add(local);
                moved.add(local);
            } catch (AddressExistsException e) {
                forget(local);
            }
            takeDown(address);
        }
        return moved;
    }

    /** Takes down every address this router added. */
    void takeDownAll() {
        keepOnly(List.of());
    }

    /** The addresses this router added and holds now, to announce (on the actions thread). */
    List<HostAddress> held() {
        return new ArrayList<>(added);
    }

    /** The same, for any thread (status). */
    List<HostAddress> heldSnapshot() {
        return heldSnapshot;
    }

    private void takeDown(HostAddress address) {
        try {
            addresses.remove(address);
            log.info("took down {}", FloatingAddresses.text(address));
        } catch (IOException e) {
            log.error("cannot take down {}: {}", FloatingAddresses.text(address), e.getMessage());
        }
        forget(address);
    }

    private void forget(HostAddress address) {
        added.remove(address);
        try {
            writeLedger();
        } catch (IOException e) {
            log.error("cannot update {}: {}", ledger, e.getMessage());
        }
    }

    private void writeLedger() throws IOException {
        heldSnapshot = List.copyOf(added);
        if (added.isEmpty()) {
            Files.deleteIfExists(ledger);
            return;
        }
        Path next = ledger.resolveSibling(ledger.getFileName() + ".new");
        Files.write(next, added.stream().map(AddressOwner::format).toList());
        Files.move(next, ledger, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One ledger line: {@code ADDRESS PREFIX DEVICE [LABEL]}. */
    static String format(HostAddress address) {
        return address.address().getHostAddress() + " " + address.prefixLength() + " " + address.device()
                + address.label().map(l -> " " + l).orElse("");
    }

    static HostAddress parse(String line) {
        String[] words = line.trim().split("\\s+");
        if (words.length < 3 || words.length > 4) {
            throw new IllegalArgumentException("expected ADDRESS PREFIX DEVICE [LABEL]");
        }
        if (!words[0].matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an address literal: " + words[0]);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(words[0]);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + words[0], e);
        }
        return new HostAddress(address, Integer.parseInt(words[1]), words[2],
                words.length == 4 ? Optional.of(words[3]) : Optional.empty());
    }
}
