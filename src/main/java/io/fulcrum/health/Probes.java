package io.fulcrum.health;

import io.fulcrum.model.CheckType;
import io.fulcrum.model.HealthCheck;
import io.fulcrum.model.Protocol;
import io.fulcrum.model.RealServer;
import io.fulcrum.model.VirtualServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/** Builds the probe a virtual server's check settings call for. */
public final class Probes {

    /** nanny's probe for a TCP virtual port 80 with no send, expect or send_program (bz#495005). */
    public static final String DEFAULT_HTTP_SEND = "GET / HTTP/1.0\r\n\r\n";
    public static final String DEFAULT_HTTP_EXPECT = "HTTP";

    private Probes() {
    }

    public static Probe of(VirtualServer virtual) {
        HealthCheck check = virtual.health();
        Duration timeout = Duration.ofSeconds(check.timeoutSeconds());
        return switch (check.type()) {
            case NONE -> new NoProbe();
            case PROGRAM -> new ProgramProbe(check.sendProgram().orElseThrow(), check.expect(), timeout);
            case HTTP, HTTPS -> new HttpProbe(check.type() == CheckType.HTTPS, check.path(),
                    check.host(), check.statuses(), timeout);
            case TCP -> sendExpect(virtual, check, timeout);
        };
    }

    /** The probe's address: the real server's, on the check port if one is set, else the real server's port. */
    public static InetSocketAddress target(VirtualServer virtual, RealServer real) {
        return new InetSocketAddress(real.address(), virtual.health().port().orElse(real.port()));
    }

    private static Probe sendExpect(VirtualServer virtual, HealthCheck check, Duration timeout) {
        boolean httpDefault = virtual.protocol() == Protocol.TCP
                && virtual.port() == VirtualServer.DEFAULT_PORT && check.send().isEmpty()
                && check.expect().isEmpty() && check.sendProgram().isEmpty();
        Optional<String> send = httpDefault ? Optional.of(DEFAULT_HTTP_SEND) : check.send();
        Expect expect = httpDefault
                ? new Expect.Prefix(DEFAULT_HTTP_EXPECT)
                : Expect.of(check.expect(), check.useRegex());
        return virtual.protocol() == Protocol.UDP
                ? new UdpProbe(send, expect, timeout)
                : new TcpProbe(send, expect, timeout);
    }
}
