package io.fulcrum.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fulcrum.net.Links.LinkState;
import io.fulcrum.testing.InNamespace;
import io.fulcrum.testing.NetNamespaces;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class IoctlLinksTest {

    private final Links links = new IoctlLinks();

    @Test
    void readsTheLinksOfTheCallingThreadsNamespace() throws Exception {
        try (NetNamespaces net = NetNamespaces.create()) {
            String a = net.namespace();
            String b = net.namespace();
            String device = "fcl" + a.substring(2, 8);
            net.veth(a, device, b, "peer0");

            assertThat(stateIn(a, device)).as("both ends down").isEqualTo(LinkState.DOWN);

            net.up(a, device);
            assertThat(stateIn(a, device)).as("up, peer down: no carrier").isEqualTo(LinkState.DOWN);

            net.up(b, "peer0");
            await().atMost(Duration.ofSeconds(5)).until(() -> stateIn(a, device) == LinkState.UP);

            net.down(b, "peer0");
            await().atMost(Duration.ofSeconds(5)).until(() -> stateIn(a, device) == LinkState.DOWN);

            net.up(b, "peer0");
            await().atMost(Duration.ofSeconds(5)).until(() -> stateIn(a, device) == LinkState.UP);
            net.down(a, device);
            assertThat(stateIn(a, device)).as("administratively down").isEqualTo(LinkState.DOWN);

            assertThat(stateIn(a, "nosuch0")).isEqualTo(LinkState.MISSING);
            assertThat(links.state(device)).as("the device is not in the test's own namespace")
                    .isEqualTo(LinkState.MISSING);
        }
    }

    @Test
    void aNameTooLongForAnInterfaceIsMissing() {
        assertThat(links.state("a-name-longer-than-ifnamsiz")).isEqualTo(LinkState.MISSING);
        assertThat(links.state("")).isEqualTo(LinkState.MISSING);
    }

    private LinkState stateIn(String namespace, String device) throws Exception {
        return InNamespace.run(namespace, () -> links.state(device));
    }
}
