package io.fulcrum.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A whole lvs.cf: immutable, compared by value, so a parse/write round trip can be checked with equals. */
public record Config(
        long serialNo,
        ServiceMode service,
        RouterPair routerPair,
        Forwarding network,
        Optional<NatRouter> natRouter,
        Timeouts timeouts,
        LegacyGlobals legacy,
        DaemonSettings daemon,
        List<VirtualServer> virtualServers,
        List<FailoverService> failoverServices) {

    public Config {
        if (serialNo < 0) {
            throw new IllegalArgumentException("serial_no is negative: " + serialNo);
        }
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(routerPair, "routerPair");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(natRouter, "natRouter");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(legacy, "legacy");
        Objects.requireNonNull(daemon, "daemon");
        virtualServers = List.copyOf(virtualServers);
        failoverServices = List.copyOf(failoverServices);
    }

    public Optional<VirtualServer> virtualServer(String name) {
        return virtualServers.stream().filter(v -> v.name().equals(name)).findFirst();
    }
}
