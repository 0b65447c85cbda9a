package io.fulcrum.net;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** Adds and removes addresses on this host's interfaces (what {@code ip addr} does). */
public interface Addresses {

    /** The device that holds {@code address} now, if any interface does. */
    Optional<String> deviceOf(InetAddress address) throws IOException;

    /**
     * The addresses {@code device} (a base interface, e.g. {@code eth0}) holds now, of both families,
     * each with its prefix length and alias label.
     *
     * @throws IOException when there is no such device, or the kernel does not answer
     */
    List<HostAddress> on(String device) throws IOException;

    /**
     * Puts the address on its device; IPv6 addresses skip duplicate address detection.
     *
     * @throws AddressExistsException when the device holds the address already
     */
    void add(HostAddress address) throws IOException;

    /** Takes the address off its device; an address that is not there is not an error. */
    void remove(HostAddress address) throws IOException;

    /**
     * Whether this host delivers packets for {@code address} now. The kernel acknowledges an IPv6
     * address before its local route is in (a kernel worker adds it, even without duplicate address
     * detection): a client told of the address in between has its SYN dropped.
     */
    boolean routed(HostAddress address) throws IOException;
}
