package io.fulcrum.model;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Canonical text of an address: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, the
 * longest run of zero groups shortened to {@code ::}), which is what ipvsadm prints and what
 * {@link InetAddress#getHostAddress()} does not.
 */
public final class AddressText {

    private AddressText() {
    }

    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** The address with a port, IPv6 in brackets: {@code 10.0.0.1:80}, {@code [2001:db8::1]:53}. */
    public static String withPort(InetAddress address, int port) {
        String host = of(address);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }
}
