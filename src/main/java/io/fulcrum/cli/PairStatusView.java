package io.fulcrum.cli;

import io.fulcrum.admin.wire.PairStatus;
import io.fulcrum.config.LvsConfig;
import io.fulcrum.ha.FloatingAddresses;
import io.fulcrum.ha.Heartbeat;
import io.fulcrum.ha.PairController;
import io.fulcrum.model.AddressText;
import io.fulcrum.model.Config;
import io.fulcrum.model.DaemonSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** Between the pair controller and the control channel: the status record, and the config fingerprint. */
final class PairStatusView {

    private PairStatusView() {
    }

    /**
     * The fingerprint two routers compare: the configuration as lvs.cf text, written canonically
     * (comments and layout do not count), without the per-router runtime files, which differ
     * when two routers share a host.
     */
    static long fingerprint(Config config) {
        Config shared = new Config(config.serialNo(), config.service(), config.routerPair(), config.network(),
                config.natRouter(), config.timeouts(), config.legacy(), DaemonSettings.DEFAULT, config.virtualServers(),
                config.failoverServices());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(LvsConfig.write(shared).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static PairStatus of(PairController.View view, long takeovers, Instant now) {
        PairStatus.Partner partner = view.partnerAddress().map(address -> {
            Optional<Heartbeat> last = view.partner();
            long heard = view.links().stream().flatMap(l -> l.lastHeard().stream()).max(Instant::compareTo)
                    .map(t -> millisSince(t, now)).orElse(-1L);
            return new PairStatus.Partner(AddressText.of(address), view.partnerAlive(),
                    last.map(h -> lower(h.role())).orElse(null), last.map(h -> lower(h.state())).orElse(null), heard,
                    last.map(Heartbeat::realServersUp).orElse(0), last.map(Heartbeat::realServersTotal).orElse(0));
        }).orElse(null);
        return new PairStatus(view.standalone() ? "standalone" : lower(view.role()), lower(view.state()),
                view.since().truncatedTo(ChronoUnit.MILLIS).toString(), view.reason(), view.serving(),
                view.held().stream().map(FloatingAddresses::text).toList(), partner,
                view.links().stream().map(l -> new PairStatus.HeartbeatLink(lower(l.link()),
                        l.own().map(AddressText::of).orElse(null), l.device().orElse(null), lower(l.state()),
                        l.lastHeard().map(t -> millisSince(t, now)).orElse(-1L))).toList(),
                view.authenticated(), view.configMismatch(), view.sent(), view.received(), view.rejected(),
                view.lastRejection().orElse(null), takeovers);
    }

    private static long millisSince(Instant then, Instant now) {
        return Math.max(0, Duration.between(then, now).toMillis());
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
