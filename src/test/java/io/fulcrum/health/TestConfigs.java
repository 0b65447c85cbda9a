package io.fulcrum.health;

import io.fulcrum.model.CheckType;
import io.fulcrum.model.HealthCheck;
import io.fulcrum.model.LegacyVirtualKeys;
import io.fulcrum.model.Persistence;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.ProxySettings;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.SchedulerKind;
import io.fulcrum.model.VirtualServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Model records for health tests, built from HealthCheck.DEFAULT with the few fields a test cares about. */
final class TestConfigs {

    private TestConfigs() {
    }

    static HealthCheck check(CheckType type, String send, String expect, boolean regex, String program) {
        HealthCheck d = HealthCheck.DEFAULT;
        return new HealthCheck(type, Optional.ofNullable(send), Optional.ofNullable(expect), regex,
                Optional.ofNullable(program), d.timeoutSeconds(), d.reentrySeconds(), d.quiesceServer(),
                d.loadMonitor(), d.path(), d.statuses(), d.host(), d.port(), d.interval(), d.rise(), d.fall());
    }

    static HealthCheck timing(HealthCheck c, Duration interval, int rise, int fall, boolean quiesce) {
        return new HealthCheck(c.type(), c.send(), c.expect(), c.useRegex(), c.sendProgram(), c.timeoutSeconds(),
                c.reentrySeconds(), quiesce, c.loadMonitor(), c.path(), c.statuses(), c.host(), c.port(),
                interval, rise, fall);
    }

    static HealthCheck checkPort(HealthCheck c, int port) {
        return new HealthCheck(c.type(), c.send(), c.expect(), c.useRegex(), c.sendProgram(), c.timeoutSeconds(),
                c.reentrySeconds(), c.quiesceServer(), c.loadMonitor(), c.path(), c.statuses(), c.host(),
                OptionalInt.of(port), c.interval(), c.rise(), c.fall());
    }

    static RealServer real(String name, InetSocketAddress address, int weight) {
        return new RealServer(name, address.getAddress(), true, weight, address.getPort(), 0, 0);
    }

    static VirtualServer virtual(String name, int port, Protocol protocol, HealthCheck check, RealServer... reals) {
        return new VirtualServer(name, true, InetAddress.getLoopbackAddress(), Optional.empty(), OptionalInt.empty(),
                port, protocol, 0, List.of(), SchedulerKind.DEFAULT, Set.of(), Persistence.NONE, Optional.empty(),
                check, ProxySettings.DEFAULT, LegacyVirtualKeys.NONE, List.of(reals));
    }
}
