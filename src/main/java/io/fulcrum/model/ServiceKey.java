package io.fulcrum.model;

import java.net.InetAddress;
import java.util.Objects;

/** What identifies a virtual service in IPVS: an address, protocol and port, or a firewall mark. */
public sealed interface ServiceKey {

    /** The service column of an ipvsadm listing, e.g. {@code TCP  10.0.0.100:80} or {@code FWM  80}. */
    String label();

    /** A service on {@code protocol address:port} (ipvsadm {@code -t}/{@code -u}). */
    record Address(Protocol protocol, InetAddress address, int port) implements ServiceKey {
        public Address {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            Checks.port(port, "port");
        }

        @Override
        public String label() {
            return protocol.label() + "  " + AddressText.withPort(address, port);
        }
    }

    /** A firewall-mark service (ipvsadm {@code -f}); IPv4 and IPv6 marks are separate services. */
    record Fwmark(int mark, boolean ipv6) implements ServiceKey {
        public Fwmark {
            if (mark <= 0) {
                throw new IllegalArgumentException("fwmark must be positive: " + mark);
            }
        }

        @Override
        public String label() {
            return "FWM  " + mark + (ipv6 ? " IPv6" : "");
        }
    }
}
