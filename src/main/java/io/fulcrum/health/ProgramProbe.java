package io.fulcrum.health;

import io.fulcrum.model.AddressText;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * nanny's {@code send_program}: run a command, no shell; up when it exits with 0 and, if
 * {@code expect} is set, its output (less one trailing newline) equals expect. A program still running
 * at the timeout is killed with every process it started, and the check is down.
 *
 * <p>The command is split on spaces; {@code %h} and {@code %p} anywhere in an argument become the
 * target's address and port. stdin is /dev/null, stderr is discarded, stdout is kept up to
 * {@link #OUTPUT_LIMIT} bytes, read once the program has exited (a checker prints a line or two; one that
 * fills the pipe, 64 KiB on Linux, blocks until it is killed at the timeout).
 */
public record ProgramProbe(String command, Optional<String> expect, Duration timeout) implements Probe {

    public static final int OUTPUT_LIMIT = 4096;

    private static final File NULL_DEVICE = new File("/dev/null");

    public ProgramProbe {
        if (Objects.requireNonNull(command, "command").isBlank()) {
            throw new IllegalArgumentException("empty send_program");
        }
        Objects.requireNonNull(expect, "expect");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** The argument vector for one target. */
    public List<String> arguments(InetSocketAddress target) {
        String host = AddressText.of(target.getAddress());
        String port = Integer.toString(target.getPort());
        return Arrays.stream(command.trim().split(" +"))
                .map(word -> word.replace("%h", host).replace("%p", port))
                .toList();
    }

    @Override
    public ProbeResult check(InetSocketAddress target) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(arguments(target))
                    .redirectInput(NULL_DEVICE)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return ProbeResult.down("cannot run " + command + ": " + e.getMessage());
        }
        boolean exited = false;
        try {
            exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!exited) {
                return ProbeResult.down("timeout after " + Replies.millis(timeout) + ", killed");
            }
            return judge(process.exitValue(), output(process));
        } finally {
            if (!exited) {
                killTree(process);
            }
        }
    }

    private ProbeResult judge(int exitCode, String output) {
        // the output as compared with expect, and shown the same way whether the check passes or not
        String printed = output.endsWith("\n") ? output.substring(0, output.length() - 1) : output;
        if (exitCode != 0) {
            return ProbeResult.down("exit code " + exitCode + quoted(printed));
        }
        if (expect.isPresent() && !expect.get().equals(printed)) {
            return ProbeResult.down("unexpected output" + quoted(printed));
        }
        return ProbeResult.up("exit code 0" + quoted(printed));
    }

    private static String quoted(String output) {
        byte[] bytes = output.getBytes(StandardCharsets.ISO_8859_1);
        return output.isEmpty() ? "" : " " + Replies.reply(bytes, bytes.length).substring("reply ".length());
    }

    /** What the exited program left in the pipe; never waits for a background child still holding it. */
    private static String output(Process process) {
        byte[] out = new byte[OUTPUT_LIMIT];
        int length = 0;
        try (InputStream in = process.getInputStream()) {
            int available;
            while (length < out.length && (available = in.available()) > 0) {
                int read = in.read(out, length, Math.min(available, out.length - length));
                if (read < 0) {
                    break;
                }
                length += read;
            }
        } catch (IOException e) {
            // the pipe went away with the program: what was read is all there is
        }
        return new String(out, 0, length, StandardCharsets.UTF_8);
    }

    /** Children first collected, then all killed: once the parent dies they are no longer its descendants. */
    private static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.getInputStream().close();
        } catch (IOException e) {
            // already closed: nothing to release
        }
    }
}
