package io.fulcrum.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.admin.wire.ConfigOutcome;
import io.fulcrum.admin.wire.ReloadOutcome;
import io.fulcrum.admin.wire.Status;
import io.fulcrum.config.ConfigResult;
import io.fulcrum.config.LvsConfig;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API on its network listener (and the same routes on the control socket), end to end. */
class ApiTest {

    static final String ADMIN = "alice";
    static final String ADMIN_PASSWORD = "correct horse";
    static final String VIEWER = "victor";
    static final String VIEWER_PASSWORD = "battery staple";

    @TempDir
    Path dir;

    private Path file;
    private ControlServer server;
    private URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicInteger reloads = new AtomicInteger();
    private final AtomicBoolean reloadFails = new AtomicBoolean();
    private final List<String> audit = new CopyOnWriteArrayList<>();
    /** Every answer seen, for the check against openapi.json. */
    static final List<OpenApiCheck.Seen> SEEN = new CopyOnWriteArrayList<>();

    static String text(long serial, String scheduler) {
        return """
                # the demo's service
                serial_no = %d
                admin_listen = none

                virtual web {
                     active = 1
                     address = 127.0.0.1
                     port = 8080
                     scheduler = %s
                     server web1 {
                          address = 127.0.0.1
                          port = 9001
                          weight = 1
                     }
                }
                """.formatted(serial, scheduler);
    }

    private final StatusSource source = WireSamples.source(WireSamples::table);

    /** What the daemon's reload does, as far as the API can tell: the file is read and checked again. */
    private ReloadOutcome reload() {
        reloads.incrementAndGet();
        if (reloadFails.get()) {
            return ReloadOutcome.rejected(List.of(file + ": cannot listen on 127.0.0.1:8080: Address already in use"));
        }
        ConfigResult result = LvsConfig.parse(file);
        return result.config().isPresent() ? ReloadOutcome.applied("1 virtual server")
                : ReloadOutcome.rejected(result.errors().stream().map(Object::toString).toList());
    }

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("lvs.cf");
        Files.writeString(file, text(7, "rr"));
        Path users = dir.resolve("fulcrum.users");
        Users.set(users, ADMIN, Role.ADMIN, ADMIN_PASSWORD.toCharArray());
        Users.set(users, VIEWER, Role.VIEWER, VIEWER_PASSWORD.toCharArray());
        ControlServer.Routes routes = new ControlServer.Routes(source, this::reload, ControlServer.allowedUsers(),
                new Metrics(source, java.time.Clock.systemUTC()), new ConfigStore(file, this::reload), users,
                new LoginThrottle(), audit::add);
        server = ControlServer.start(dir.resolve("run/fulcrum.sock"), routes);
        InetSocketAddress bound = server.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        assertThat(bound.getPort()).isPositive();
        base = URI.create("http://127.0.0.1:" + bound.getPort());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Answer(int code, String type, String body, HttpResponse<String> raw) {
    }

    Answer send(String method, String path, String user, String password, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Answer answer = new Answer(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                response.body(), response);
        SEEN.add(new OpenApiCheck.Seen(method, path, answer.code(), answer.type(), answer.body()));
        return answer;
    }

    Answer asAdmin(String method, String path) throws Exception {
        return send(method, path, ADMIN, ADMIN_PASSWORD, null, null);
    }

    Answer put(String user, String password, String text) throws Exception {
        return send("PUT", "/v1/config", user, password, "text/plain; charset=utf-8", text);
    }

    static ConfigOutcome outcome(Answer answer) throws IOException {
        return Json.read(answer.body().getBytes(StandardCharsets.UTF_8), new TypeReference<>() { });
    }

    @Test
    void everyRouteNeedsALoginOnTheNetwork() throws Exception {
        for (String[] route : new String[][] {{"GET", "/v1/status"}, {"GET", "/v1/connections"}, {"GET", "/v1/config"},
                {"PUT", "/v1/config"}, {"POST", "/v1/reload"}, {"GET", "/v1/openapi.json"}, {"GET", "/metrics"}}) {
            Answer answer = send(route[0], route[1], null, null, "text/plain", route[0].equals("PUT") ? text(7, "wlc") : null);
            assertThat(answer.code()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(answer.raw().headers().firstValue("www-authenticate")).hasValue("Basic realm=\"fulcrum\", charset=\"UTF-8\"");
            assertThat(answer.body()).contains("log in with HTTP Basic credentials");
        }
        assertThat(send("GET", "/v1/status", ADMIN, "wrong", null, null).code()).isEqualTo(401);
        assertThat(send("GET", "/v1/status", "mallory", ADMIN_PASSWORD, null, null).body())
                .contains("wrong user name or password");
        assertThat(file).hasContent(text(7, "rr"));
        assertThat(reloads).hasValue(0);
        assertThat(audit).isEmpty();
    }

    @Test
    void readsAnswerBothRoles() throws Exception {
        for (String[] login : new String[][] {{ADMIN, ADMIN_PASSWORD}, {VIEWER, VIEWER_PASSWORD}}) {
            Answer status = send("GET", "/v1/status", login[0], login[1], null, null);
            assertThat(status.code()).isEqualTo(200);
            assertThat(Json.read(status.body().getBytes(StandardCharsets.UTF_8), new TypeReference<Status>() { }))
                    .isEqualTo(WireSamples.table());
            assertThat(send("GET", "/v1/connections", login[0], login[1], null, null).code()).isEqualTo(200);
            Answer config = send("GET", "/v1/config", login[0], login[1], null, null);
            assertThat(config.code()).isEqualTo(200);
            assertThat(config.type()).isEqualTo("text/plain; charset=utf-8");
            assertThat(config.body()).isEqualTo(text(7, "rr"));
            Answer metrics = send("GET", "/metrics", login[0], login[1], null, null);
            assertThat(metrics.type()).startsWith("text/plain; version=0.0.4");
            assertThat(new Exposition(metrics.body()).value("fulcrum_virtual_server_active_connections",
                    "virtual_server", "10.0.0.100:80")).hasValue(17);
            assertThat(send("GET", "/v1/openapi.json", login[0], login[1], null, null).body()).contains("\"openapi\"");
        }
        assertThat(asAdmin("GET", "/v2/status").code()).isEqualTo(404);
        Answer wrongMethod = asAdmin("DELETE", "/v1/config");
        assertThat(wrongMethod.code()).isEqualTo(405);
        assertThat(wrongMethod.raw().headers().firstValue("allow")).hasValue("GET, PUT");
    }

    @Test
    void aViewerCannotWrite() throws Exception {
        Answer put = put(VIEWER, VIEWER_PASSWORD, text(7, "wlc"));
        assertThat(put.code()).isEqualTo(403);
        assertThat(put.body()).contains("user victor is a viewer: PUT /v1/config needs the admin role");
        assertThat(send("POST", "/v1/reload", VIEWER, VIEWER_PASSWORD, null, null).code()).isEqualTo(403);
        assertThat(file).hasContent(text(7, "rr"));
        assertThat(dir.resolve("lvs.cf.1")).doesNotExist();
        assertThat(reloads).hasValue(0);
    }

    @Test
    void aGoodFileIsWrittenWithTheNextSerialKeptAsAVersionReloadedAndAudited() throws Exception {
        Answer put = put(ADMIN, ADMIN_PASSWORD, text(7, "wlc"));

        assertThat(put.code()).as(put.body()).isEqualTo(200);
        assertThat(outcome(put)).isEqualTo(new ConfigOutcome("applied", 8, "1 virtual server", List.of()));
        assertThat(file).hasContent(text(8, "wlc"));
        assertThat(dir.resolve("lvs.cf.1")).hasContent(text(7, "rr"));
        assertThat(reloads).hasValue(1);
        assertThat(asAdmin("GET", "/v1/config").body()).isEqualTo(text(8, "wlc"));
        assertThat(audit).containsExactly("user=alice from=127.0.0.1 PUT /v1/config: applied serial_no 8, +2 -2 lines");

        // a file without serial_no is at 0: it gets serial_no = 1 on top
        Files.writeString(file, text(8, "wlc").replace("serial_no = 8\n", ""));
        assertThat(outcome(put(ADMIN, ADMIN_PASSWORD, text(0, "rr").replace("serial_no = 0\n", ""))).serialNo())
                .isEqualTo(1);
        assertThat(Files.readString(file)).startsWith("serial_no = 1\n# the demo's service\n");
    }

    @Test
    void aBadFileIsRefusedWithEveryErrorAndChangesNothing() throws Exception {
        String bad = text(7, "fastest").replace("port = 9001", "port = 9001\n                          weight = 70000");

        Answer put = put(ADMIN, ADMIN_PASSWORD, bad);

        assertThat(put.code()).isEqualTo(422);
        ConfigOutcome outcome = outcome(put);
        assertThat(outcome.outcome()).isEqualTo("invalid");
        assertThat(outcome.serialNo()).isEqualTo(7);
        assertThat(outcome.errors()).containsExactly(
                file + ":9: scheduler: unknown scheduler `fastest`; valid: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh",
                file + ":13: weight: 70000 is out of range 0..65535");
        assertThat(file).hasContent(text(7, "rr"));
        assertThat(dir.resolve("lvs.cf.1")).doesNotExist();
        assertThat(reloads).hasValue(0);
        assertThat(audit).containsExactly("user=alice from=127.0.0.1 PUT /v1/config: refused: 2 error(s)");
    }

    @Test
    void otherBodiesAreRefusedWithoutTouchingTheFile() throws Exception {
        Answer json = send("PUT", "/v1/config", ADMIN, ADMIN_PASSWORD, "application/json", "{}");
        assertThat(json.code()).isEqualTo(415);
        assertThat(json.body()).contains("PUT /v1/config takes the lvs.cf as text/plain, not application/json");
        HttpRequest latin1 = HttpRequest.newBuilder(base.resolve("/v1/config"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD).getBytes()))
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'#', (byte) 0xe9, '\n'})).build();
        HttpResponse<String> notUtf8 = http.send(latin1, HttpResponse.BodyHandlers.ofString());
        assertThat(notUtf8.statusCode()).isEqualTo(400);
        SEEN.add(new OpenApiCheck.Seen("PUT", "/v1/config", 400, notUtf8.headers().firstValue("content-type").orElse(""),
                notUtf8.body()));
        assertThat(file).hasContent(text(7, "rr"));
        assertThat(reloads).hasValue(0);
    }

    @Test
    void aTextEditedFromAnOlderSerialIsAConflict() throws Exception {
        assertThat(put(ADMIN, ADMIN_PASSWORD, text(7, "wlc")).code()).isEqualTo(200);

        Answer stale = put(ADMIN, ADMIN_PASSWORD, text(7, "sh"));

        assertThat(stale.code()).isEqualTo(409);
        assertThat(outcome(stale).outcome()).isEqualTo("stale");
        assertThat(outcome(stale).serialNo()).isEqualTo(8);
        assertThat(outcome(stale).errors().getFirst()).contains("serial_no 7 is not the serial_no of the file in force (8)");
        assertThat(file).hasContent(text(8, "wlc"));
        assertThat(reloads).hasValue(1);
    }

    @Test
    void aReloadThatFailsPutsThePreviousFileBack() throws Exception {
        assertThat(put(ADMIN, ADMIN_PASSWORD, text(7, "wlc")).code()).isEqualTo(200);
        reloadFails.set(true);

        Answer put = put(ADMIN, ADMIN_PASSWORD, text(8, "sh"));

        assertThat(put.code()).isEqualTo(422);
        assertThat(outcome(put).errors()).containsExactly(file + ": cannot listen on 127.0.0.1:8080: Address already in use");
        assertThat(file).hasContent(text(8, "wlc"));
        assertThat(dir.resolve("lvs.cf.1")).hasContent(text(7, "rr"));
        assertThat(dir.resolve("lvs.cf.2")).doesNotExist();
    }

    @Test
    void tenPreviousVersionsAreKept() throws Exception {
        for (long serial = 7; serial < 19; serial++) {
            assertThat(put(ADMIN, ADMIN_PASSWORD, text(serial, serial % 2 == 0 ? "rr" : "wlc")).code()).isEqualTo(200);
        }
        assertThat(file).hasContent(text(19, "rr"));
        for (int n = 1; n <= ConfigStore.KEPT_VERSIONS; n++) {
            assertThat(ConfigStore.serial(Files.readString(dir.resolve("lvs.cf." + n)))).as("lvs.cf." + n).isEqualTo(19 - n);
        }
        assertThat(dir.resolve("lvs.cf.11")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains("lvs.cf")).count())
                    .as("no temporary file left").isEqualTo(11);
        }
    }

    /** Racing writers from the same serial: one wins, the others get 409; a reader never sees a torn file. */
    @Test
    void concurrentWritersNeverTearTheFile() throws Exception {
        List<String> candidates = List.of("wrr", "lc", "sed", "nq", "sh", "dh");
        Set<String> whole = new java.util.HashSet<>(Set.of(text(7, "rr")));
        candidates.forEach(s -> whole.add(text(8, s)));
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> torn = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                try {
                    String seen = Files.readString(file);
                    if (!whole.contains(seen)) {
                        torn.add(seen);
                    }
                } catch (IOException e) {
                    torn.add(e.toString());
                }
            }
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Answer>> answers = new ArrayList<>();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String scheduler : candidates) {
                Callable<Answer> write = () -> {
                    go.await();
                    return put(ADMIN, ADMIN_PASSWORD, text(7, scheduler));
                };
                answers.add(writers.submit(write));
            }
            go.countDown();
        } finally {
            writing.set(false);
            reader.join();
        }
        List<Integer> codes = new ArrayList<>();
        for (Future<Answer> answer : answers) {
            codes.add(answer.get().code());
        }
        assertThat(codes).containsOnly(200, 409).containsOnlyOnce(200);
        assertThat(torn).isEmpty();
        assertThat(whole).contains(Files.readString(file));
        assertThat(ConfigStore.serial(Files.readString(file))).isEqualTo(8);
        assertThat(dir.resolve("lvs.cf.1")).hasContent(text(7, "rr"));
        assertThat(reloads).hasValue(1);
    }

    @Test
    void wrongPasswordsAreSlowedPerAddressAndARightOneClearsThem() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "/v1/status", ADMIN, "guess" + i, null, null).code()).isEqualTo(401);
        }
        Duration threeWrong = Duration.ofNanos(System.nanoTime() - start);
        // the second waits 250 ms after the first, the third 500 ms after the second
        assertThat(threeWrong).isGreaterThanOrEqualTo(LoginThrottle.delayAfter(1).plus(LoginThrottle.delayAfter(2)));

        assertThat(send("GET", "/v1/status", ADMIN, ADMIN_PASSWORD, null, null).code()).isEqualTo(200);
        long afterRight = System.nanoTime();
        assertThat(send("GET", "/v1/status", VIEWER, VIEWER_PASSWORD, null, null).code()).isEqualTo(200);
        assertThat(send("GET", "/v1/status", VIEWER, "typo", null, null).code()).isEqualTo(401);
        // cleared: the next wrong one waits one first delay, not 1 s
        assertThat(send("GET", "/v1/status", VIEWER, "typo", null, null).code()).isEqualTo(401);
        assertThat(Duration.ofNanos(System.nanoTime() - afterRight)).isGreaterThanOrEqualTo(LoginThrottle.delayAfter(1));
    }

    /** The control socket needs no password: its peer is root or the daemon's user. */
    @Test
    void theControlSocketReadsAndWritesWithoutALogin() throws Exception {
        assertThat(unix("GET /v1/config", null)).startsWith("HTTP/1.1 200 OK").endsWith(text(7, "rr"));
        String put = unix("PUT /v1/config", text(7, "wlc"));
        assertThat(put).startsWith("HTTP/1.1 200 OK").contains("\"outcome\":\"applied\"");
        assertThat(file).hasContent(text(8, "wlc"));
        assertThat(audit).singleElement().asString().startsWith("user=" + System.getProperty("user.name") + " from=socket PUT");
    }

    private String unix(String requestLine, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(server.socket()))) {
            channel.write(ByteBuffer.wrap((requestLine + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            channel.write(ByteBuffer.wrap(bytes));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every route and method, with the answers of each kind, against openapi.json. */
    @Test
    void everyRouteAnswersAsOpenApiSays() throws Exception {
        int from = SEEN.size();
        asAdmin("GET", "/v1/status");
        asAdmin("GET", "/v1/connections");
        asAdmin("GET", "/v1/config");
        asAdmin("GET", "/v1/openapi.json");
        asAdmin("GET", "/metrics");
        asAdmin("POST", "/v1/reload");
        put(ADMIN, ADMIN_PASSWORD, text(7, "wlc"));
        put(ADMIN, ADMIN_PASSWORD, text(7, "wlc"));
        put(ADMIN, ADMIN_PASSWORD, text(8, "fastest"));
        send("PUT", "/v1/config", ADMIN, ADMIN_PASSWORD, "application/json", "{}");
        put(VIEWER, VIEWER_PASSWORD, text(9, "wlc"));
        send("POST", "/v1/reload", VIEWER, VIEWER_PASSWORD, null, null);
        reloadFails.set(true);
        asAdmin("POST", "/v1/reload");
        for (String path : new String[] {"/v1/status", "/v1/connections", "/v1/config", "/v1/openapi.json", "/metrics"}) {
            send("GET", path, null, null, null, null);
            asAdmin("DELETE", path);
        }
        asAdmin("GET", "/v1/reload");

        OpenApiCheck check = new OpenApiCheck();
        List<String> problems = new ArrayList<>();
        Set<String> codes = new java.util.TreeSet<>();
        for (OpenApiCheck.Seen seen : SEEN.subList(from, SEEN.size())) {
            problems.addAll(check.problems(seen));
            codes.add(seen.method() + " " + seen.path() + " " + seen.code());
        }
        assertThat(problems).isEmpty();
        assertThat(codes).contains("GET /v1/status 200", "GET /v1/connections 200", "GET /v1/config 200",
                "GET /v1/openapi.json 200", "GET /metrics 200", "POST /v1/reload 200", "POST /v1/reload 422",
                "POST /v1/reload 403", "PUT /v1/config 200", "PUT /v1/config 409", "PUT /v1/config 422",
                "PUT /v1/config 415", "PUT /v1/config 403", "GET /v1/status 401", "DELETE /v1/config 405");
    }

    /** And everything the other tests of this class saw. */
    @AfterAll
    static void everyAnswerSeenMatchesOpenApi() throws Exception {
        OpenApiCheck check = new OpenApiCheck();
        List<String> problems = new ArrayList<>();
        for (OpenApiCheck.Seen seen : SEEN) {
            problems.addAll(check.problems(seen));
        }
        assertThat(problems).isEmpty();
    }
}
