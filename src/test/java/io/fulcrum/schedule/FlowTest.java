package io.fulcrum.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class FlowTest {

    @Test
    void ipv4FoldIsTheAddressInHostOrder() throws Exception {
        assertThat(Flow.fold(InetAddress.getByName("10.0.0.1"))).isEqualTo(0x0A000001);
        assertThat(Flow.fold(InetAddress.getByName("192.168.1.100"))).isEqualTo(0xC0A80164);
    }

    @Test
    void ipv6FoldXorsTheFourWords() throws Exception {
        InetAddress a = InetAddress.getByName("2001:db8::1:2");
        assertThat(Flow.fold(a)).isEqualTo(0x20010db8 ^ 0 ^ 0 ^ 0x00010002);
    }
}
