package io.fulcrum.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.table.VirtualServerTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passive FTP through the proxy as Piranha's guide sets it up: the control port and the real
 * servers' passive range in one fwmark group with persistence, vsftpd on each real server announcing
 * the VIP ({@code pasv_address}), and curl fetching a 1 MiB file through the VIP. The control port
 * and the passive range are free ports, not 21, so that the test runs beside anything else.
 *
 * <p>VIP 127.0.45.1; real servers a, b, c on 127.0.45.2..4, each with its own file of the same name;
 * clients from 127.0.45.10 up.
 */
class PassiveFtpTest {

    private static final Path VSFTPD = Path.of("/usr/sbin/vsftpd");
    private static final String VIP = "127.0.45.1";
    private static final List<String> REAL = List.of("127.0.45.2", "127.0.45.3", "127.0.45.4");
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final int PASSIVE_PORTS = 8;
    private static final int SIZE = 1024 * 1024;

    @TempDir
    Path dir;

    private final List<Process> vsftpds = new ArrayList<>();
    private final Map<String, String> serverByHash = new HashMap<>();
    private final VirtualServerTable table = new VirtualServerTable();
    private ProxyEngine engine;
    private int control;

    @BeforeEach
    void realServers() throws Exception {
        if (!Files.isExecutable(VSFTPD) || !onPath("curl")) {
            Assumptions.abort("skipped: needs vsftpd and curl (apt-get install vsftpd curl)");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            Assumptions.abort("skipped: vsftpd chroots its anonymous sessions, which needs root");
        }
        if (Files.readAllLines(Path.of("/etc/passwd")).stream().noneMatch(l -> l.startsWith("ftp:"))) {
            Assumptions.abort("skipped: no user ftp for vsftpd's anonymous sessions (the vsftpd package adds it)");
        }
        List<InetAddress> addresses = new ArrayList<>();
        addresses.add(InetAddress.ofLiteral(VIP));
        REAL.forEach(a -> addresses.add(InetAddress.ofLiteral(a)));
        control = PortBlock.free(1 + PASSIVE_PORTS, addresses);
        Path empty = directory(dir.resolve("empty"));
        for (int i = 0; i < REAL.size(); i++) {
            vsftpds.add(vsftpd(NAMES.get(i), REAL.get(i), empty));
        }
        for (String real : REAL) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress(InetAddress.ofLiteral(real), control), 1000);
                    return true;
                }
            });
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            engine.close();
        }
        for (Process vsftpd : vsftpds) {
            vsftpd.descendants().forEach(ProcessHandle::destroyForcibly);
            vsftpd.destroyForcibly();
            vsftpd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** One real server: its own 1 MiB file.bin under its anonymous root, the VIP in its PASV answers. */
    private Process vsftpd(String name, String address, Path empty) throws Exception {
        Path root = directory(dir.resolve("root-" + name));
        byte[] file = new byte[SIZE];
        new Random().nextBytes(file);
        Files.write(root.resolve("file.bin"), file);
        Files.setPosixFilePermissions(root.resolve("file.bin"), PosixFilePermissions.fromString("rw-r--r--"));
        serverByHash.put(sha256(file), name);
        Path conf = dir.resolve("vsftpd-" + name + ".conf");
        Files.writeString(conf, """
                listen=YES
                listen_ipv6=NO
                listen_address=%s
                listen_port=%d
                background=NO
                anonymous_enable=YES
                no_anon_password=YES
                local_enable=NO
                write_enable=NO
                anon_root=%s
                ftp_username=ftp
                nopriv_user=nobody
                secure_chroot_dir=%s
                pasv_enable=YES
                pasv_address=%s
                pasv_min_port=%d
                pasv_max_port=%d
                connect_from_port_20=NO
                seccomp_sandbox=NO
                dirmessage_enable=NO
                xferlog_enable=NO
                syslog_enable=NO
                vsftpd_log_file=%s
                """.formatted(address, control, root, empty, VIP, control + 1, control + PASSIVE_PORTS,
                dir.resolve("vsftpd-" + name + ".log")));
        return new ProcessBuilder(VSFTPD.toString(), conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("vsftpd-" + name + ".out").toFile())
                .start();
    }

    private void serve(String virtualKeys) {
        StringBuilder text = new StringBuilder("""
                virtual ftp {
                     active = 1
                     address = %s lo
                     port = %d
                     fwmark = 21
                     fwmark_ports = %d %d-%d
                     scheduler = rr
                     check = none
                %s
                """.formatted(VIP, control, control, control + 1, control + PASSIVE_PORTS, virtualKeys));
        for (int i = 0; i < REAL.size(); i++) {
            text.append("""
                         server %s {
                              address = %s
                              active = 1
                         }
                    """.formatted(NAMES.get(i), REAL.get(i)));
        }
        text.append("}\n");
        ConfigResult result = LvsConfig.parse("test.cf", text.toString());
        assertThat(result.errors()).isEmpty();
        table.apply(result.config().orElseThrow());
        engine = new ProxyEngine(table::snapshot);
        engine.apply(table.snapshot());
    }

    /**
     * curl from {@code client} through the VIP; PASV with the announced address honoured, so that
     * the VIP in vsftpd's 227 answer is where the data connection goes. The real server whose file
     * came back whole, by its hash.
     */
    private String download(String client, String... options) throws Exception {
        Path out = dir.resolve("download-" + System.nanoTime());
        Path err = dir.resolve("curl-" + System.nanoTime() + ".err");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "--interface", client,
                "-o", out.toString()));
        command.addAll(List.of(options));
        command.add("ftp://" + VIP + ":" + control + "/file.bin");
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(err.toFile()).start();
        assertThat(curl.waitFor(90, TimeUnit.SECONDS)).as("curl finished").isTrue();
        assertThat(curl.exitValue()).as("curl exit status; it said: %s", Files.readString(err)).isZero();
        byte[] got = Files.readAllBytes(out);
        assertThat(got).hasSize(SIZE);
        String server = serverByHash.get(sha256(got));
        assertThat(server).as("the file of one real server, whole").isNotNull();
        return server;
    }

    @Test
    void passiveDownloadsThroughTheVipComeWholeAndEachClientStaysOnItsRealServer() throws Exception {
        serve("persistent = 300");

        List<String> servers = new ArrayList<>();
        for (String client : List.of("127.0.45.10", "127.0.45.11", "127.0.45.12")) {
            String first = download(client, "--disable-epsv", "--no-ftp-skip-pasv-ip");
            assertThat(download(client, "--disable-epsv", "--no-ftp-skip-pasv-ip"))
                    .as("client %s's second download", client).isEqualTo(first);
            servers.add(first);
        }
        assertThat(servers).as("rr spread the three clients").containsExactlyInAnyOrder("a", "b", "c");
        assertThat(download("127.0.45.13")).as("extended passive mode (EPSV) too").isIn(NAMES);
    }

    private static Path directory(Path path) throws IOException {
        Files.createDirectories(path);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
