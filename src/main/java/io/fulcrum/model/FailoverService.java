package io.fulcrum.model;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Piranha FOS failover service ({@code failover NAME { }}): a service started on the active
 * router and watched with send/expect. Fulcrum parses and keeps these but does not run them.
 */
public record FailoverService(
        String name,
        InetAddress address,
        Optional<String> device,
        OptionalInt vipPrefix,
        boolean active,
        int port,
        Optional<String> send,
        Optional<String> expect,
        int timeoutSeconds,
        int reentrySeconds,
        Optional<String> startCmd,
        Optional<String> stopCmd) {

    public FailoverService {
        Checks.name(name, "failover name");
        Objects.requireNonNull(address, "address");
        Checks.text(device, "device");
        Objects.requireNonNull(vipPrefix, "vipPrefix");
        vipPrefix.ifPresent(p -> Checks.inRange(p, 0, 128, "vip prefix"));
        Checks.port(port, "port");
        Checks.text(send, "send");
        Checks.text(expect, "expect");
        Checks.inRange(timeoutSeconds, 1, Integer.MAX_VALUE, "timeout");
        Checks.inRange(reentrySeconds, 0, Integer.MAX_VALUE, "reentry");
        Checks.text(startCmd, "start_cmd");
        Checks.text(stopCmd, "stop_cmd");
    }
}
