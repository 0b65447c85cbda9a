package io.fulcrum.model;

import java.time.Duration;

/** Idle timeouts of connections (lvs.cf {@code tcp_timeout} ..., ipvsadm {@code --set}); zero = the engine's default. */
public record Timeouts(Duration tcp, Duration tcpFin, Duration udp) {

    public static final Timeouts DEFAULT = new Timeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public Timeouts {
        Checks.notNegative(tcp, "tcp_timeout");
        Checks.notNegative(tcpFin, "tcpfin_timeout");
        Checks.notNegative(udp, "udp_timeout");
    }
}
