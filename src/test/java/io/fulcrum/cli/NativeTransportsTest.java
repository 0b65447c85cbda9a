package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime classpath (the one the build copies to target/lib for bin/fulcrum) carries Netty's
 * native epoll library for each architecture Fulcrum runs on; without it a host falls back to NIO.
 */
class NativeTransportsTest {

    @ParameterizedTest(name = "linux-{0}")
    @ValueSource(strings = {"x86_64", "aarch_64"})
    void theEpollLibraryOfEachArchitectureIsOnTheRuntimeClasspath(String arch) {
        String library = "META-INF/native/libnetty_transport_native_epoll_" + arch + ".so";

        assertThat(NativeTransportsTest.class.getClassLoader().getResource(library))
                .as("%s (io.netty:netty-transport-native-epoll, classifier linux-%s, scope runtime)", library, arch)
                .isNotNull();
    }
}
