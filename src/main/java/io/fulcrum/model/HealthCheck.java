package io.fulcrum.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the real servers of one virtual server are checked: nanny's keys and Fulcrum's extensions.
 *
 * @param type           which check runs
 * @param send           bytes written after connecting, escapes already translated
 * @param expect         expected reply: a prefix, a regex when {@code useRegex}, or the exact
 *                       output of {@code sendProgram}
 * @param sendProgram    external checker command line; {@code %h}, {@code %p} are substituted
 * @param timeoutSeconds nanny's timeout: connect, read and program timeout
 * @param reentrySeconds how long a failed real server must pass checks before it returns
 * @param quiesceServer  on failure set the weight to 0 instead of removing the real server
 * @param loadMonitor    nanny's dynamic-weight source (Fulcrum does not implement it yet)
 * @param path           http(s) request path
 * @param statuses       http(s) statuses that count as up
 * @param host           http(s) Host header; empty = the real server's address
 * @param port           probe this port instead of the real server's port
 * @param interval       time between two checks of one real server
 * @param rise           consecutive successes that bring a failed real server back
 * @param fall           consecutive failures that take a real server out
 */
public record HealthCheck(
        CheckType type,
        Optional<String> send,
        Optional<String> expect,
        boolean useRegex,
        Optional<String> sendProgram,
        int timeoutSeconds,
        int reentrySeconds,
        boolean quiesceServer,
        LoadMonitor loadMonitor,
        String path,
        List<StatusRange> statuses,
        Optional<String> host,
        OptionalInt port,
        Duration interval,
        int rise,
        int fall) {

    public static final int DEFAULT_TIMEOUT = 10;
    public static final int DEFAULT_REENTRY = 180;

    public static final HealthCheck DEFAULT = new HealthCheck(CheckType.TCP, Optional.empty(), Optional.empty(),
            false, Optional.empty(), DEFAULT_TIMEOUT, DEFAULT_REENTRY, false, LoadMonitor.NONE, "/",
            List.of(StatusRange.OK), Optional.empty(), OptionalInt.empty(), Duration.ofSeconds(DEFAULT_TIMEOUT),
            defaultRise(DEFAULT_TIMEOUT, DEFAULT_REENTRY), 1);

    public HealthCheck {
        Objects.requireNonNull(type, "type");
        Checks.text(send, "send");
        Checks.text(expect, "expect");
        Checks.text(sendProgram, "sendProgram");
        Checks.inRange(timeoutSeconds, 1, Integer.MAX_VALUE, "timeout");
        Checks.inRange(reentrySeconds, 0, Integer.MAX_VALUE, "reentry");
        Objects.requireNonNull(loadMonitor, "loadMonitor");
        if (!Objects.requireNonNull(path, "path").startsWith("/")) {
            throw new IllegalArgumentException("check path must start with /: " + path);
        }
        statuses = List.copyOf(statuses);
        if (statuses.isEmpty()) {
            throw new IllegalArgumentException("no check statuses");
        }
        Checks.text(host, "host");
        Objects.requireNonNull(port, "port");
        port.ifPresent(p -> Checks.port(p, "check port"));
        Checks.notNegative(interval, "interval");
        Checks.inRange(rise, 1, Integer.MAX_VALUE, "rise");
        Checks.inRange(fall, 1, Integer.MAX_VALUE, "fall");
    }

    /** nanny's re-entry count: {@code reentry / timeout} consecutive successes, at least one. */
    public static int defaultRise(int timeoutSeconds, int reentrySeconds) {
        return Math.max(1, reentrySeconds / timeoutSeconds);
    }

    /** The check a virtual server gets without a {@code check} key. */
    public static CheckType defaultType(Optional<String> sendProgram) {
        return sendProgram.isPresent() ? CheckType.PROGRAM : CheckType.TCP;
    }

    public boolean statusOk(int status) {
        return statuses.stream().anyMatch(r -> r.contains(status));
    }
}
