package io.fulcrum.config;

import java.util.List;

/** The syntax tree of an lvs.cf file: what the parser recognised, before any key is interpreted. */
sealed interface Node {

    int line();

    /**
     * {@code key = value ...}.
     *
     * @param values the tokens after {@code =}
     * @param rest   everything after {@code =} as written (for command keys), without the quotes
     *               when it is one quoted token
     */
    record Assignment(String key, List<Token> values, String rest, int line) implements Node {
        public Assignment {
            values = List.copyOf(values);
        }
    }

    /** {@code server NAME { ... }}; at top level it is misplaced and reported by the binder. */
    record ServerBlock(String name, int line, List<Assignment> body) implements Node {
        public ServerBlock {
            body = List.copyOf(body);
        }
    }

    record VirtualBlock(String name, int line, List<Assignment> body, List<ServerBlock> servers) implements Node {
        public VirtualBlock {
            body = List.copyOf(body);
            servers = List.copyOf(servers);
        }
    }

    record FailoverBlock(String name, int line, List<Assignment> body) implements Node {
        public FailoverBlock {
            body = List.copyOf(body);
        }
    }
}
