package io.hotpath.agent.instrument;

import io.hotpath.agent.config.RuleDefinition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each rule matched so far ({@code Class.method(params)}), filled in as classes are
 * instrumented; and the report's words: one line per rule, what it matched, or "matched nothing"
 * with the closest names found.
 */
public final class MatchLog
{
    private final List<RuleDefinition> rules;
    private final List<Set<String>> matches = new ArrayList<>();
    /** Internal names of the classes each rule instrumented. */
    private final List<Set<String>> classes = new ArrayList<>();

    public MatchLog(final List<RuleDefinition> rules)
    {
        this.rules = List.copyOf(rules);
        for (int i = 0; i < rules.size(); i++)
        {
            matches.add(ConcurrentHashMap.newKeySet());
            classes.add(ConcurrentHashMap.newKeySet());
        }
    }

    void matchedClass(final int ruleIndex, final String internalName)
    {
        if (ruleIndex >= 0 && ruleIndex < classes.size())
        {
            classes.get(ruleIndex).add(internalName);
        }
    }

    /** Internal names of the classes rule {@code ruleIndex} instrumented so far. */
    Set<String> classes(final int ruleIndex)
    {
        return classes.get(ruleIndex);
    }

    /** Carries what rule {@code from} of {@code previous} matched over to rule {@code to} here (a rule a reload kept). */
    void carryOver(final MatchLog previous, final int from, final int to)
    {
        matches.get(to).addAll(previous.matches.get(from));
        classes.get(to).addAll(previous.classes.get(from));
    }

    void matched(final int ruleIndex, final String method)
    {
        if (ruleIndex >= 0 && ruleIndex < matches.size())
        {
            matches.get(ruleIndex).add(method);
        }
    }

    public List<RuleDefinition> rules()
    {
        return rules;
    }

    /** The methods rule {@code ruleIndex} instrumented so far, sorted. */
    public Set<String> matches(final int ruleIndex)
    {
        return new TreeSet<>(matches.get(ruleIndex));
    }

    /** How a rule's type reads in the report: its name, pattern and/or supertype. */
    static String describeType(final RuleDefinition rule)
    {
        if (rule.typeName() != null)
        {
            return rule.typeName();
        }
        final String pattern = rule.typePattern() != null ? "name_pattern " + rule.typePattern() : "";
        final String subtype = rule.subtypeOf() != null ? "subtype_of " + rule.subtypeOf() : "";
        return pattern.isEmpty() ? subtype : subtype.isEmpty() ? pattern : pattern + " and " + subtype;
    }

    /** "rule at SRC (metric M): matched N methods: A.b(..), ..." */
    static String matchedLine(final RuleDefinition rule, final Collection<String> methods)
    {
        final List<String> shown = new ArrayList<>(methods);
        final int more = shown.size() - 5;
        return "rule at " + rule.source() + " (metric " + rule.metric() + "): matched " + methods.size() +
            (methods.size() == 1 ? " method: " : " methods: ") + String.join(", ", shown.subList(0, Math.min(5, shown.size()))) +
            (more > 0 ? " and " + more + " more" : "");
    }

    /**
     * "rule at SRC (metric M): matched nothing: no class X is loaded; closest: ..." or "...: class X has
     * no method m(..); its methods closest: ...".
     *
     * @param typeFound whether the rule's type is there (then the method is what is wrong).
     * @param closest   closest class names (type not found) or method names (type found).
     * @param loaded    "loaded" (live) or "on the class path" (offline).
     */
    static String nothingLine(final RuleDefinition rule, final boolean typeFound, final List<String> closest, final String loaded)
    {
        final String method = rule.methodName() + (rule.parameterTypes() == null ? "" : "(" + String.join(", ", rule.parameterTypes()) + ")");
        final StringBuilder line = new StringBuilder("rule at " + rule.source() + " (metric " + rule.metric() + "): matched nothing: ");
        if (typeFound)
        {
            line.append(describeType(rule)).append(" has no method ").append(method).append(" that can be instrumented")
                .append(closest.isEmpty() ? "" : "; closest methods: " + String.join(", ", closest));
        }
        else
        {
            line.append("no class ").append(rule.typeName() != null ? "" : "matching ").append(describeType(rule)).append(" is ")
                .append(loaded).append(closest.isEmpty() ? "" : "; closest " + loaded + " classes: " + String.join(", ", closest));
            if (rule.typeName() != null && rule.typeName().indexOf('.') < 0)
            {
                line.append(" (type names must be fully qualified, e.g. java.lang.String)");
            }
        }
        return line.toString();
    }
}
