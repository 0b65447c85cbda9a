package io.fulcrum.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Addresses through iproute2's {@code ip addr}. IPv4 addresses carry their alias label;
 * IPv6 addresses are added with {@code nodad} so that they serve at once after a takeover.
 */
public final class IpCommandAddresses implements Addresses {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final IpCommand ip;

    private IpCommandAddresses(Optional<String> namespace) {
        this.ip = new IpCommand(namespace, TIMEOUT);
    }

    /** The addresses of the network namespace this process runs in. */
    public static IpCommandAddresses host() {
        return new IpCommandAddresses(Optional.empty());
    }

    /** The addresses of the named network namespace ({@code ip -n NAMESPACE}). */
    public static IpCommandAddresses inNamespace(String namespace) {
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("namespace name must not be blank");
        }
        return new IpCommandAddresses(Optional.of(namespace));
    }

    @Override
    public Optional<String> deviceOf(InetAddress address) throws IOException {
        for (String line : ip.check(List.of("-o", "addr", "show")).split("\n")) {
            // "3: eth0    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0:1\ ..."
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 4 || !(fields[2].equals("inet") || fields[2].equals("inet6"))) {
                continue;
            }
            String literal = fields[3].contains("/") ? fields[3].substring(0, fields[3].indexOf('/')) : fields[3];
            if (InetAddress.ofLiteral(literal).equals(address)) {
                String device = fields[1];
                return Optional.of(device.contains("@") ? device.substring(0, device.indexOf('@')) : device);
            }
        }
        return Optional.empty();
    }

    @Override
    public void add(HostAddress address) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(family(address), "addr", "add", cidr(address),
                "dev", address.device()));
        address.label().ifPresent(label -> arguments.addAll(List.of("label", label)));
        if (address.address() instanceof Inet6Address) {
            arguments.add("nodad");
        }
        IpCommand.Result result = ip.run(arguments);
        if (result.succeeded()) {
            return;
        }
        // "Error: ipv4: Address already assigned." (older kernels: "RTNETLINK answers: File exists")
        String said = result.stderr().toLowerCase();
        if (said.contains("already assigned") || said.contains("file exists")) {
            throw new AddressExistsException(cidr(address) + " is already on " + address.device()
                    + "; another router or the system holds it (`" + result.command() + "`: "
                    + result.stderr().strip() + ")");
        }
        throw result.failure();
    }

    @Override
    public void remove(HostAddress address) throws IOException {
        IpCommand.Result result = ip.run(List.of(family(address), "addr", "del", cidr(address),
                "dev", address.device()));
        if (result.succeeded()) {
            return;
        }
        // "Error: ipv4: Address not found." (older kernels: "Cannot assign requested address")
        String said = result.stderr().toLowerCase();
        if (said.contains("address not found") || said.contains("cannot assign requested address")) {
            return;
        }
        throw result.failure();
    }

    private static String family(HostAddress address) {
        return address.address() instanceof Inet6Address ? "-6" : "-4";
    }

    private static String cidr(HostAddress address) {
        return address.address().getHostAddress() + "/" + address.prefixLength();
    }
}
