package io.fulcrum.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs iproute2's {@code ip}, optionally as {@code ip -n NAMESPACE}, with a timeout; a run
 * that fails reports the command line and what ip printed on stderr.
 */
final class IpCommand {

    /** Where distributions put ip, for daemons started with a short PATH. */
    private static final List<Path> CANDIDATES =
            Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").map(Path::of).toList();

    private final String executable;
    private final Optional<String> namespace;
    private final Duration timeout;

    IpCommand(Optional<String> namespace, Duration timeout) {
        this.executable = CANDIDATES.stream().filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElse("ip");
        this.namespace = namespace;
        this.timeout = timeout;
    }

    /** What a finished run printed and how it exited. */
    record Result(String command, int exitCode, String stdout, String stderr) {

        boolean succeeded() {
            return exitCode == 0;
        }

        IOException failure() {
            String said = stderr.isBlank() ? "(nothing on stderr)" : stderr.strip();
            return new IOException("`" + command + "` failed with exit code " + exitCode + ": " + said);
        }
    }

    /** Runs ip with {@code arguments}; a non-zero exit is left to the caller to judge. */
    Result run(List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        namespace.ifPresent(ns -> {
            command.add("-n");
            command.add(ns);
        });
        command.addAll(arguments);
        String line = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new IOException("cannot run `" + line + "`: " + e.getMessage()
                    + "; install iproute2 or put ip on the PATH", e);
        }
        // Both pipes are drained while ip runs, so a long address list cannot fill one and stall it.
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("`" + line + "` did not finish within " + timeout.toMillis() + " ms; killed it");
            }
            return new Result(line, process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running `" + line + "`");
        } catch (ExecutionException e) {
            throw new IOException("cannot read the output of `" + line + "`: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Runs ip and returns its stdout, or throws naming the command and ip's complaint. */
    String check(List<String> arguments) throws IOException {
        Result result = run(arguments);
        if (!result.succeeded()) {
            throw result.failure();
        }
        return result.stdout();
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return text;
    }
}
