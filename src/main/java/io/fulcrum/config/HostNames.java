package io.fulcrum.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resolves the host names of one lvs.cf within one time budget, so that a DNS server that does
 * not answer cannot stall a reload: a name still unresolved when the budget runs out is an error
 * on its line, like a name that does not exist.
 */
final class HostNames {

    /** Starts looking one name up; the answer may take long, or never come. */
    interface Lookup {
        CompletableFuture<InetAddress> start(String name);
    }

    /** The time every host name of one file shares. */
    static final Duration BUDGET = Duration.ofSeconds(5);

    private final Lookup lookup;
    private final Duration budget;
    private final Map<String, InetAddress> resolved = new HashMap<>();
    private long deadline;

    HostNames(Lookup lookup, Duration budget) {
        this.lookup = lookup;
        this.budget = budget;
    }

    /** The system resolver, with {@link #BUDGET}. */
    static HostNames system() {
        return new HostNames(HostNames::systemLookup, BUDGET);
    }

    /** Resolves nothing: for reading the daemon's own settings, which name no host. */
    static HostNames unresolved() {
        return new HostNames(name -> CompletableFuture.failedFuture(new UnknownHostException(name)), BUDGET);
    }

    /**
     * The system resolver cannot be interrupted: each lookup runs on a daemon thread of its own,
     * abandoned when it takes too long.
     */
    private static CompletableFuture<InetAddress> systemLookup(String name) {
        CompletableFuture<InetAddress> answer = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("lvs.cf-resolve").start(() -> {
            try {
                answer.complete(InetAddress.getByName(name));
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    InetAddress resolve(String name) throws BadValue {
        InetAddress known = resolved.get(name);
        if (known != null) {
            return known;
        }
        if (deadline == 0) {
            deadline = System.nanoTime() + budget.toNanos();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw outOfTime(name);
        }
        try {
            InetAddress address = lookup.start(name).get(left, TimeUnit.NANOSECONDS);
            resolved.put(name, address);
            return address;
        } catch (TimeoutException e) {
            throw outOfTime(name);
        } catch (ExecutionException e) {
            throw new BadValue("cannot resolve host name `" + name + "`");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadValue("interrupted while resolving host name `" + name + "`");
        }
    }

    private BadValue outOfTime(String name) {
        return new BadValue("cannot resolve host name `" + name + "` within " + budget.toSeconds()
                + " s (the time all host names of a file share): write the IP address instead");
    }
}
