package io.fulcrum.config;

import io.fulcrum.config.Node.Assignment;
import io.fulcrum.config.Node.FailoverBlock;
import io.fulcrum.config.Node.ServerBlock;
import io.fulcrum.config.Node.VirtualBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the syntax tree from lexed lines: assignments, {@code virtual}, {@code failover} and
 * nested {@code server} blocks. It recovers from every structural mistake (a missing or extra
 * brace, a malformed header) so that the rest of the file is still checked.
 */
final class Parser {

    private final Diagnostics diagnostics;
    private final List<Node> nodes = new ArrayList<>();
    private Block virtual;
    private Block server;
    private Block failover;

    private Parser(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    static List<Node> parse(List<Line> lines, Diagnostics diagnostics) {
        Parser parser = new Parser(diagnostics);
        lines.forEach(parser::line);
        parser.closeAllUnterminated();
        return List.copyOf(parser.nodes);
    }

    private void line(Line line) {
        List<Token> tokens = line.tokens();
        Token first = tokens.getFirst();
        if (tokens.size() >= 2 && tokens.get(1).is("=")) {
            assignment(line);
        } else if (first.is("virtual") || first.is("failover")) {
            closeAllUnterminated();
            Block block = header(line);
            if (first.is("virtual")) {
                virtual = block;
            } else {
                failover = block;
            }
        } else if (first.is("server")) {
            if (server != null) {
                unterminated(server);
                closeServer();
            }
            server = header(line);
        } else if (tokens.size() == 1 && first.is("}")) {
            closeInnermost(line.number());
        } else if (first.is("=")) {
            diagnostics.errorMessage(line.number(), "=", "missing key before `=`");
        } else {
            diagnostics.error(line.number(), first.text(), "expected `" + first.text() + " = value`");
        }
    }

    private void assignment(Line line) {
        List<Token> tokens = line.tokens();
        List<Token> values = tokens.subList(2, tokens.size());
        String rest;
        if (values.isEmpty()) {
            rest = "";
        } else if (values.size() == 1 && values.getFirst().quoted()) {
            rest = values.getFirst().text();
        } else {
            rest = line.content().substring(values.getFirst().start()).strip();
        }
        Assignment assignment = new Assignment(tokens.getFirst().text(), values, rest, line.number());
        if (server != null) {
            server.body.add(assignment);
        } else if (virtual != null) {
            virtual.body.add(assignment);
        } else if (failover != null) {
            failover.body.add(assignment);
        } else {
            nodes.add(assignment);
        }
    }

    /** A malformed header still opens its block, so that its body and brace are not misread. */
    private Block header(Line line) {
        List<Token> tokens = line.tokens();
        String keyword = tokens.getFirst().text();
        boolean wellFormed = tokens.size() == 3 && !tokens.get(1).is("{") && tokens.get(2).is("{")
                && isName(tokens.get(1).text());
        if (!wellFormed) {
            diagnostics.error(line.number(), keyword, "expected `" + keyword + " NAME {`");
        }
        String name = tokens.size() > 1 && !tokens.get(1).is("{") && isName(tokens.get(1).text())
                ? tokens.get(1).text() : "";
        return new Block(keyword, name, line.number());
    }

    private static boolean isName(String text) {
        return !text.isEmpty() && text.chars().noneMatch(Character::isWhitespace);
    }

    private void closeInnermost(int line) {
        if (server != null) {
            closeServer();
        } else if (virtual != null) {
            closeVirtual();
        } else if (failover != null) {
            nodes.add(new FailoverBlock(failover.name, failover.line, failover.body));
            failover = null;
        } else {
            diagnostics.errorMessage(line, "}", "unmatched `}`");
        }
    }

    private void closeServer() {
        ServerBlock block = new ServerBlock(server.name, server.line, server.body);
        server = null;
        if (virtual != null) {
            virtual.servers.add(block);
        } else {
            nodes.add(block);
        }
    }

    private void closeVirtual() {
        nodes.add(new VirtualBlock(virtual.name, virtual.line, virtual.body, virtual.servers));
        virtual = null;
    }

    private void closeAllUnterminated() {
        for (Block open : new Block[] {server, virtual, failover}) {
            if (open != null) {
                unterminated(open);
                closeInnermost(open.line);
            }
        }
    }

    private void unterminated(Block block) {
        diagnostics.errorMessage(block.line, block.keyword,
                (block.keyword + " " + block.name).strip() + ": missing `}`");
    }

    /** A block being parsed. */
    private static final class Block {
        final String keyword;
        final String name;
        final int line;
        final List<Assignment> body = new ArrayList<>();
        final List<ServerBlock> servers = new ArrayList<>();

        Block(String keyword, String name, int line) {
            this.keyword = keyword;
            this.name = name;
            this.line = line;
        }
    }
}
