package io.fulcrum.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fulcrum.admin.wire.PairStatus;
import io.fulcrum.admin.wire.PairStatus.HeartbeatLink;
import io.fulcrum.admin.wire.PairStatus.Partner;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairFormatTest {

    private static PairStatus primary(Partner partner, boolean authenticated, boolean mismatch, List<HeartbeatLink> links) {
        return new PairStatus("primary", "active", "2026-11-27T03:10:00.120Z",
                "both standby: the primary takes the active role", true,
                List.of("192.168.77.100/24 on eth0:1", "10.77.0.1/24 on eth1:1"), partner, links, authenticated,
                mismatch, 1204, 1199, 0, null, 1);
    }

    @Test
    void aHealthyPairReadsAsOneScreen() {
        String text = PairFormat.render(primary(new Partner("192.168.77.3", true, "backup", "standby", 50, 3, 3), true,
                false, List.of(new HeartbeatLink("public", "192.168.77.2", "eth0", "up", 50),
                        new HeartbeatLink("private", "10.77.0.2", "eth1", "up", 52))));
        assertThat(text).isEqualTo("""
                Router: primary, active since 2026-11-27T03:10:00.120Z (both standby: the primary takes the active role)
                Holds: 192.168.77.100/24 on eth0:1, 10.77.0.1/24 on eth1:1
                Partner: 192.168.77.3 backup, standby, last heartbeat 0.05 s ago, real servers up 3/3 (counted per virtual server)
                Link public: 192.168.77.2 on eth0, up, partner heard 0.05 s ago
                Link private: 10.77.0.2 on eth1, up, partner heard 0.05 s ago
                Heartbeats: authenticated (HMAC-SHA256), sent 1204, received 1199, rejected 0
                Config: same as the partner's
                """);
    }

    @Test
    void problemsAreWrittenInCapitals() {
        String text = PairFormat.render(primary(new Partner("192.168.77.3", false, "backup", "active", 2500, 1, 3), false,
                true, List.of(new HeartbeatLink("public", "192.168.77.2", "eth0", "down", 2500),
                        new HeartbeatLink("private", "10.77.0.2", "eth1", "up", -1))));
        assertThat(text)
                .contains("active (DEAD: no heartbeat for deadtime), last heartbeat 2.50 s ago, real servers up 1/3 (counted per virtual server)")
                .contains("Link public: 192.168.77.2 on eth0, DOWN, partner heard 2.50 s ago")
                .contains("Link private: 10.77.0.2 on eth1, up, partner heard never")
                .contains("NOT AUTHENTICATED (set heartbeat_key_file)")
                .contains("Config: MISMATCH: the partner runs a different lvs.cf");
    }

    @Test
    void aPartnerNeverHeardAndAStandaloneRouter() {
        assertThat(PairFormat.render(primary(new Partner("192.168.77.3", false, null, null, -1, 0, 0), true, false,
                List.of()))).contains("Partner: 192.168.77.3, NEVER HEARD").contains("Config: not compared yet");
        String standalone = PairFormat.render(new PairStatus("standalone", "active", "2026-11-27T03:10:00Z",
                "standalone router (backup_active = 0)", true, List.of(), null, List.of(), false, false, 0, 0, 0, null, 1));
        assertThat(standalone).isEqualTo(
                "Router: standalone, active since 2026-11-27T03:10:00Z (standalone router (backup_active = 0))\n");
    }
}
