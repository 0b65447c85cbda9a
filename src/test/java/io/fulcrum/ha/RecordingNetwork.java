package io.fulcrum.ha;

import io.fulcrum.net.AddressExistsException;
import io.fulcrum.net.Addresses;
import io.fulcrum.net.Announcer;
import io.fulcrum.net.HostAddress;
import io.fulcrum.net.Links;
import io.fulcrum.net.NetworkActions;
import io.fulcrum.net.SecondChance;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A host's interfaces in memory, for the pure and loopback tests: addresses that are "on" a
 * device, announcements sent, link states set by the test. The real implementations are tested
 * in network namespaces.
 */
final class RecordingNetwork implements Addresses, Announcer, Links, SecondChance {

    /** The addresses on the network's devices; those kept on the loopback device are in {@link #onLoopback}. */
    final Map<InetAddress, String> onHost = new ConcurrentHashMap<>();
    final Set<InetAddress> onLoopback = ConcurrentHashMap.newKeySet();
    final List<String> log;
    final List<HostAddress> announced = new CopyOnWriteArrayList<>();
    final Map<String, LinkState> links = new ConcurrentHashMap<>();

    RecordingNetwork() {
        this(new CopyOnWriteArrayList<>());
    }

    /** A host that writes what it does to {@code log}, which other hosts may share to show the order. */
    RecordingNetwork(List<String> log) {
        this.log = log;
    }

    RecordingNetwork holding(InetAddress address, String device) {
        onHost.put(address, device);
        return this;
    }

    NetworkActions network() {
        return new NetworkActions(this, this, this, this);
    }

    @Override
    public Optional<String> deviceOf(InetAddress address) {
        return Optional.ofNullable(onHost.get(address));
    }

    /** The host's own addresses (with their prefixes), per base device; a device not listed does not exist. */
    final Map<String, List<HostAddress>> devices = new ConcurrentHashMap<>();

    RecordingNetwork withDevice(String device, HostAddress... own) {
        devices.put(device, List.of(own));
        return this;
    }

    @Override
    public List<HostAddress> on(String device) throws IOException {
        List<HostAddress> own = devices.get(device);
        if (own == null) {
            throw new IOException("this network namespace has no device " + device);
        }
        return own;
    }

    /** When set, every add fails as a kernel refusal would. */
    volatile boolean refuseAdds;

    @Override
    public void add(HostAddress address) throws IOException {
        if (refuseAdds) {
            throw new IOException("cannot add " + address + ": refused");
        }
        if (address.device().equals("lo")) {
            onLoopback.add(address.address());
            log.add("keep " + address.address().getHostAddress() + " on lo on " + this);
            return;
        }
        if (onHost.putIfAbsent(address.address(), address.device()) != null) {
            throw new AddressExistsException(address.address().getHostAddress() + " is already on " + address.device());
        }
        log.add("add " + address + " on " + this);
    }

    @Override
    public void remove(HostAddress address) {
        if (address.device().equals("lo")) {
            if (onLoopback.remove(address.address())) {
                log.add("drop " + address.address().getHostAddress() + " from lo on " + this);
            }
            return;
        }
        if (onHost.remove(address.address()) != null) {
            log.add("remove " + address + " on " + this);
        }
    }

    @Override
    public boolean routed(HostAddress address) {
        return true;
    }

    @Override
    public void announce(HostAddress address) {
        announced.add(address);
    }

    @Override
    public void warmUp() {
        log.add("warm up");
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return onHost.values().stream().filter(d -> d.startsWith("pub")).findFirst().orElse("host");
    }

    /** When set, second chance fails as a host without nftables would. */
    volatile boolean refuseSecondChance;

    @Override
    public List<String> forward(List<InetAddress> addresses, InetAddress partner, String device) throws IOException {
        return secondChance("forward " + addresses.size() + " address(es) to " + partner.getHostAddress() + " on " + device);
    }

    @Override
    public void stopForwarding() throws IOException {
        secondChance("stop forwarding");
    }

    @Override
    public List<String> silence(List<InetAddress> addresses, String device) throws IOException {
        return secondChance("silence " + addresses.size() + " address(es), accept them on " + device);
    }

    @Override
    public void unsilence() throws IOException {
        secondChance("unsilence");
    }

    @Override
    public void removeStale() {
        log.add("remove stale second-chance rules on " + this);
    }

    private List<String> secondChance(String what) throws IOException {
        if (refuseSecondChance) {
            throw new IOException("nft is not installed");
        }
        log.add(what + " on " + this);
        return List.of();
    }

    @Override
    public LinkState state(String device) {
        return links.getOrDefault(device, LinkState.UP);
    }
}
