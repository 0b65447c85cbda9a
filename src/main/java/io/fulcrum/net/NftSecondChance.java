package io.fulcrum.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@link SecondChance} with nftables ({@code nft -f -}) and iproute2, the tools an operator reads
 * the result with ({@code nft list ruleset}). Tables of its own, replaced whole in one nft
 * transaction, so that a rule is never half there:
 * <ul>
 * <li>{@code ip fulcrum_second_chance}, {@code ip6 fulcrum_second_chance}: on the router taking over,
 *     in prerouting after conntrack, {@code daddr {ADDRESSES} tcp flags & syn == 0 ct state new
 *     dup to PARTNER device DEVICE drop}, and the same for {@code tcp flags & (fin | rst) != 0 ct
 *     state invalid}. A packet of a connection this router accepted is {@code established}; a data
 *     or ACK packet of one it never saw is {@code new} (conntrack picks it up: the kernel's default
 *     {@code nf_conntrack_tcp_loose = 1}), and its FIN or RST is {@code invalid}; both go on to the
 *     partner, their addresses unchanged.</li>
 * <li>{@code arp fulcrum_silence}: on the leaving router, ARP requests for its floating addresses
 *     dropped on the way in, and ARP sent from them dropped on the way out, so that the clients stay
 *     with the partner's MAC.</li>
 * </ul>
 * An IPv6 address is forwarded through the partner's MAC on the device: when the partner's address
 * there is IPv4, a permanent neighbour entry maps the EUI-64 link-local address of that MAC to it.
 */
public final class NftSecondChance implements SecondChance {

    static final String FORWARD_TABLE = "fulcrum_second_chance";
    static final String SILENCE_TABLE = "fulcrum_silence";
    private static final long COMMAND_LIMIT_SECONDS = 10;
    private static final Path PROC_CONF = Path.of("/proc/sys/net/ipv4/conf");
    private static final Pattern LLADDR = Pattern.compile("\\blladdr (\\S+)");

    /** The neighbour entry {@link #forward} added for IPv6, to remove with the rules. */
    private Optional<Neighbour> neighbour = Optional.empty();
    /** The reverse-path filter setting {@link #silence} loosened, to put back. */
    private Optional<Setting> reversePath = Optional.empty();

    private record Neighbour(String address, String device) {}

    /** A device's {@code rp_filter} as it was. */
    private record Setting(String device, String value) {}

    @Override
    public synchronized List<String> forward(List<InetAddress> addresses, InetAddress partner, String device)
            throws IOException {
        List<String> notes = new ArrayList<>(forgetConnections(addresses));
        List<InetAddress> v4 = addresses.stream().filter(Inet4Address.class::isInstance).toList();
        List<InetAddress> v6 = addresses.stream().filter(Inet6Address.class::isInstance).toList();
        StringBuilder script = new StringBuilder();
        if (!v4.isEmpty()) {
            if (partner instanceof Inet4Address) {
                script.append(forwardTable("ip", v4, partner, device));
            } else {
                notes.add("no IPv4 address of the partner on " + device + ": IPv4 connections are not forwarded");
            }
        }
        if (!v6.isEmpty()) {
            Optional<InetAddress> gateway = partner instanceof Inet6Address ? Optional.of(partner)
                    : linkLocalThroughMac(partner, device);
            gateway.ifPresentOrElse(g -> script.append(forwardTable("ip6", v6, g, device)),
                    () -> notes.add("the partner's MAC on " + device + " is unknown: IPv6 connections are not forwarded"));
        }
        if (!script.isEmpty()) {
            nft(script.toString());
        }
        return notes;
    }

    /**
     * The conntrack entries this host kept for the addresses from when it last served them
     * (TIME_WAIT lasts 120 s) would make a connection of the partner that reuses a client's port
     * look established here, and its packets would not be forwarded. This router serves none of
     * them now (it was standby until this takeover): forget them, with conntrack-tools.
     */
    private static List<String> forgetConnections(List<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            List<String> command = new ArrayList<>(List.of("conntrack", "-D"));
            if (address instanceof Inet6Address) {
                command.addAll(List.of("-f", "ipv6"));
            }
            command.addAll(List.of("-p", "tcp", "--orig-dst", address.getHostAddress()));
            try {
                run(command, "");
            } catch (IOException e) {
                // conntrack -D exits 1 when it found nothing to delete
                if (!e.getMessage().contains(" 0 flow entries have been deleted")) {
                    return List.of("cannot forget old conntrack entries (" + e.getMessage() + "): a connection"
                            + " of the partner that reuses a client port seen here in the last 2 minutes is reset");
                }
            }
        }
        return List.of();
    }

    private static String forwardTable(String family, List<InetAddress> addresses, InetAddress gateway, String device) {
        String daddr = family.equals("ip") ? "ip daddr" : "ip6 daddr";
        String dup = " dup to " + gateway.getHostAddress() + " device \"" + device + "\" drop";
        return "add table " + family + " " + FORWARD_TABLE + "\n"
                + "delete table " + family + " " + FORWARD_TABLE + "\n"
                + "table " + family + " " + FORWARD_TABLE + " {\n"
                + "  chain prerouting {\n"
                + "    type filter hook prerouting priority -150; policy accept;\n"
                + "    " + daddr + " { " + list(addresses) + " } tcp flags & syn == 0 ct state new" + dup + "\n"
                + "    " + daddr + " { " + list(addresses) + " } tcp flags & (fin | rst) != 0 ct state invalid" + dup
                + "\n"
                + "  }\n"
                + "}\n";
    }

    /** The partner's MAC on {@code device}, learnt from the heartbeats, as the next hop of IPv6 packets. */
    private Optional<InetAddress> linkLocalThroughMac(InetAddress partner, String device) throws IOException {
        Matcher entry = LLADDR.matcher(run(List.of("ip", "neigh", "show", "to", partner.getHostAddress(), "dev", device),
                ""));
        if (!entry.find()) {
            return Optional.empty();
        }
        String mac = entry.group(1);
        InetAddress linkLocal = eui64LinkLocal(mac);
        run(List.of("ip", "-6", "neigh", "replace", linkLocal.getHostAddress(), "lladdr", mac, "dev", device, "nud",
                "permanent"), "");
        neighbour = Optional.of(new Neighbour(linkLocal.getHostAddress(), device));
        return Optional.of(linkLocal);
    }

    /** fe80::/64 with the interface identifier of {@code mac} (RFC 4291 appendix A). */
    static InetAddress eui64LinkLocal(String mac) {
        byte[] m = HexFormat.ofDelimiter(":").parseHex(mac.toLowerCase(Locale.ROOT));
        if (m.length != 6) {
            throw new IllegalArgumentException("not an Ethernet address: " + mac);
        }
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe;
        a[1] = (byte) 0x80;
        a[8] = (byte) (m[0] ^ 0x02);
        a[9] = m[1];
        a[10] = m[2];
        a[11] = (byte) 0xff;
        a[12] = (byte) 0xfe;
        a[13] = m[3];
        a[14] = m[4];
        a[15] = m[5];
        try {
            return InetAddress.getByAddress(a);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void stopForwarding() throws IOException {
        nft(deleteIfPresent("ip", FORWARD_TABLE) + deleteIfPresent("ip6", FORWARD_TABLE));
        if (neighbour.isPresent()) {
            Neighbour entry = neighbour.get();
            neighbour = Optional.empty();
            run(List.of("ip", "-6", "neigh", "del", entry.address(), "dev", entry.device()), "");
        }
    }

    @Override
    public synchronized List<String> silence(List<InetAddress> addresses, String device) throws IOException {
        List<String> notes = new ArrayList<>();
        List<InetAddress> v4 = addresses.stream().filter(Inet4Address.class::isInstance).toList();
        if (!v4.isEmpty()) {
            nft("add table arp " + SILENCE_TABLE + "\n"
                    + "delete table arp " + SILENCE_TABLE + "\n"
                    + "table arp " + SILENCE_TABLE + " {\n"
                    + "  chain input {\n"
                    + "    type filter hook input priority 0; policy accept;\n"
                    + "    arp daddr ip { " + list(v4) + " } drop\n"
                    + "  }\n"
                    + "  chain output {\n"
                    + "    type filter hook output priority 0; policy accept;\n"
                    + "    arp saddr ip { " + list(v4) + " } drop\n"
                    + "  }\n"
                    + "}\n");
            if (loosenReversePathFilter(device)) {
                notes.add("reverse-path filter of " + device + " loose (2) while the connections drain");
            }
        }
        return notes;
    }

    /**
     * The partner hands over packets from clients that this host routes through another device:
     * a strict reverse-path filter (1) would drop them; loose (2) accepts them.
     */
    private boolean loosenReversePathFilter(String device) throws IOException {
        Path setting = PROC_CONF.resolve(device).resolve("rp_filter");
        int all = Integer.parseInt(Files.readString(PROC_CONF.resolve("all").resolve("rp_filter")).strip());
        String own = Files.readString(setting).strip();
        if (Math.max(all, Integer.parseInt(own)) == 1) {
            Files.writeString(setting, "2");
            reversePath = Optional.of(new Setting(device, own));
            return true;
        }
        return false;
    }

    @Override
    public synchronized void unsilence() throws IOException {
        nft(deleteIfPresent("arp", SILENCE_TABLE));
        if (reversePath.isPresent()) {
            Setting saved = reversePath.get();
            reversePath = Optional.empty();
            Files.writeString(PROC_CONF.resolve(saved.device()).resolve("rp_filter"), saved.value());
        }
    }

    @Override
    public synchronized void removeStale() throws IOException {
        nft(deleteIfPresent("ip", FORWARD_TABLE) + deleteIfPresent("ip6", FORWARD_TABLE)
                + deleteIfPresent("arp", SILENCE_TABLE));
    }

    private static String deleteIfPresent(String family, String table) {
        return "add table " + family + " " + table + "\ndelete table " + family + " " + table + "\n";
    }

    private static String list(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    }

    private static void nft(String script) throws IOException {
        run(List.of("nft", "-f", "-"), script);
    }

    private static String run(List<String> command, String input) throws IOException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream out = process.getInputStream()) {
            out.transferTo(output);
        }
        try {
            if (!process.waitFor(COMMAND_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_LIMIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
        String text = output.toString(StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                    + text.strip());
        }
        return text;
    }
}
