package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineWarmUpTest {

    @Test
    void relaysEveryWarmUpConnectionThroughARealEngine() {
        assertThat(EngineWarmUp.run()).isEqualTo(400);
    }
}
