package io.hotpath.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.hotpath.daemon.testkit.Jdeps;
import org.junit.jupiter.api.Test;

/**
 * The daemon's packages form no cycle (the package tree reads as the data flow, and each can be
 * understood from the ones below it). Read from the compiled classes by the JDK's own jdeps.
 */
class PackageCyclesTest
{
    @Test
    void noPackageDependsOnItselfThroughOthers()
    {
        final Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes.resolve("io/hotpath/daemon")), "compiled classes expected in " + classes.toAbsolutePath());
        final Map<String, Set<String>> edges = new TreeMap<>();
        for (final String[] edge : Jdeps.edges(classes, "package"))
        {
            if (edge[0].startsWith("io.hotpath.daemon") && edge[1].startsWith("io.hotpath.daemon") && !edge[0].equals(edge[1]))
            {
                edges.computeIfAbsent(edge[0], k -> new TreeSet<>()).add(edge[1]);
            }
        }
        assertTrue(edges.size() > 10, "jdeps found too few packages to mean anything: " + edges.keySet());
        final List<List<String>> cycles = new StronglyConnected(edges).cycles();
        assertTrue(cycles.isEmpty(), "package cycles: " + cycles + " (edges: " + edges + ")");
    }

    /** Tarjan's strongly connected components; a component of more than one package is a cycle. */
    private static final class StronglyConnected
    {
        private final Map<String, Set<String>> edges;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<List<String>> cycles = new ArrayList<>();
        private int next;

        StronglyConnected(final Map<String, Set<String>> edges)
        {
            this.edges = edges;
        }

        List<List<String>> cycles()
        {
            for (final String node : edges.keySet())
            {
                if (!index.containsKey(node))
                {
                    visit(node);
                }
            }
            return cycles;
        }

        private void visit(final String node)
        {
            index.put(node, next);
            low.put(node, next);
            next++;
            stack.push(node);
            onStack.add(node);
            for (final String target : edges.getOrDefault(node, Set.of()))
            {
                if (!index.containsKey(target))
                {
                    visit(target);
                    low.put(node, Math.min(low.get(node), low.get(target)));
                }
                else if (onStack.contains(target))
                {
                    low.put(node, Math.min(low.get(node), index.get(target)));
                }
            }
            if (low.get(node).equals(index.get(node)))
            {
                final List<String> component = new ArrayList<>();
                String member;
                do
                {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                }
                while (!member.equals(node));
                if (component.size() > 1)
                {
                    cycles.add(component);
                }
            }
        }
    }
}
