package io.fulcrum.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Network namespaces for one test, built with iproute2 and all deleted by {@link #close()}
 * (deleting a namespace deletes the veths and bridges in it). Names are {@code fc} plus a
 * random suffix so that parallel runs and leftovers of killed runs never collide.
 *
 * <pre>{@code
 * try (NetNamespaces net = NetNamespaces.create()) {
 *     String a = net.namespace(), b = net.namespace();
 *     net.veth(a, "va", b, "vb");
 *     net.address(a, "va", "10.0.0.1/24");
 *     net.up(a, "va");
 * }
 * }</pre>
 */
public final class NetNamespaces implements AutoCloseable {

    private static final List<Path> IP_CANDIDATES =
            Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").map(Path::of).toList();

    private final String ip;
    private final Deque<String> namespaces = new ArrayDeque<>();

    private NetNamespaces(String ip) {
        this.ip = ip;
    }

    /** Skips the calling test unless it runs as root with iproute2 installed. */
    public static void assumeAvailable() {
        assumeTrue(isRoot(), "network namespace tests need root (run the build as root or in a privileged container)");
        assumeTrue(ipExecutable() != null, "network namespace tests need iproute2's ip (apt-get install iproute2)");
    }

    /** A fresh, empty set; skips the calling test when namespaces cannot be made here. */
    public static NetNamespaces create() {
        assumeAvailable();
        return new NetNamespaces(ipExecutable());
    }

    /** Creates a namespace with a unique name and its loopback up, and returns the name. */
    public String namespace() {
        String name = "fc" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        ip("netns", "add", name);
        namespaces.push(name);
        up(name, "lo");
        return name;
    }

    /** A veth pair with one end in each namespace (both ends down, as ip leaves them). */
    public void veth(String namespaceA, String deviceA, String namespaceB, String deviceB) {
        ip("-n", namespaceA, "link", "add", deviceA, "type", "veth", "peer", "name", deviceB, "netns", namespaceB);
    }

    /** A bridge, up, in {@code namespace}. */
    public void bridge(String namespace, String bridge) {
        ip("-n", namespace, "link", "add", bridge, "type", "bridge");
        up(namespace, bridge);
    }

    /** Makes {@code device} a port of {@code bridge}; both live in {@code namespace}. */
    public void attach(String namespace, String device, String bridge) {
        ip("-n", namespace, "link", "set", "dev", device, "master", bridge);
    }

    /** Adds an address in CIDR form; IPv6 ones skip duplicate address detection. */
    public void address(String namespace, String device, String cidr) {
        if (cidr.contains(":")) {
            ip("-n", namespace, "-6", "addr", "add", cidr, "dev", device, "nodad");
        } else {
            ip("-n", namespace, "addr", "add", cidr, "dev", device);
        }
    }

    public void up(String namespace, String device) {
        ip("-n", namespace, "link", "set", "dev", device, "up");
    }

    public void down(String namespace, String device) {
        ip("-n", namespace, "link", "set", "dev", device, "down");
    }

    /** The MAC of {@code device}, as ip prints it (lower-case, colon-separated). */
    public String mac(String namespace, String device) {
        String[] fields = ip("-n", namespace, "-o", "link", "show", "dev", device).split("\\s+");
        for (int i = 0; i < fields.length - 1; i++) {
            if (fields[i].equals("link/ether")) {
                return fields[i + 1];
            }
        }
        throw new IllegalStateException(device + " in " + namespace + " has no Ethernet address");
    }

    /** Runs ip with {@code arguments} and returns its stdout; a failure throws with ip's stderr. */
    public String ip(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(ip);
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 10 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Deletes every namespace made here, newest first, trying all of them even when one fails. */
    @Override
    public void close() {
        IllegalStateException failure = null;
        while (!namespaces.isEmpty()) {
            String name = namespaces.pop();
            try {
                ip("netns", "delete", name);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("cannot delete every test namespace");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String ipExecutable() {
        return IP_CANDIDATES.stream().filter(Files::isExecutable).findFirst().map(Path::toString).orElse(null);
    }
}
