package io.fulcrum.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A network given as address and prefix length ({@code 10.0.0.2/31}); a lone address is its own
 * host prefix. The address has no bits set beyond the prefix, so the text round-trips.
 */
public record AddressPrefix(InetAddress address, int prefixLength) {

    public AddressPrefix {
        Objects.requireNonNull(address, "address");
        Checks.inRange(prefixLength, 0, bits(address), "prefix length");
        if (hostBitsSet(address.getAddress(), prefixLength)) {
            throw new IllegalArgumentException(AddressText.of(address) + "/" + prefixLength + " has host bits set");
        }
    }

    /** Whether the address is in this network; an address of the other family never is. */
    public boolean contains(InetAddress candidate) {
        byte[] network = address.getAddress();
        byte[] other = candidate.getAddress();
        return network.length == other.length && sameNetwork(network, other, prefixLength);
    }

    /** Whether the address has bits set beyond the prefix ({@code 10.0.0.1/31}). */
    public static boolean hostBitsSet(byte[] address, int prefixLength) {
        for (int bit = prefixLength; bit < address.length * 8; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameNetwork(byte[] a, byte[] b, int prefixLength) {
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static int bits(InetAddress address) {
        return address instanceof Inet6Address ? 128 : 32;
    }

    /** {@code 10.0.0.2/31}, or the bare address for a host prefix: how lvs.cf writes it. */
    public String text() {
        return prefixLength == bits(address) ? AddressText.of(address) : AddressText.of(address) + "/" + prefixLength;
    }
}
