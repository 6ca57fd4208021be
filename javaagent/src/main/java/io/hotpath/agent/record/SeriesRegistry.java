package io.hotpath.agent.record;

import io.hotpath.agent.config.RuleDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.Arrays;

/**
 * Series ids: one per (rule, label values). Rules without labels from arguments get their id up
 * front (bound into their advice as a constant); the others resolve it per call.
 *
 * <p>Concurrency: many application threads resolve and create series at once, lock-free. A new
 * series is stored in {@link #definition(int)} before its id is published in the rule's table (one
 * CAS of a {@code long} that packs the label-value key and the id), so a sample that carries the id
 * reaches the drain thread after its definition is visible: the drain thread writes the
 * SERIES_DEFINITION before the first sample. Resolving a known combination allocates nothing.
 *
 * <p>Cardinality: each label keeps at most {@code max_values} distinct values (then
 * {@code other}); each rule at most {@code max_series} series (then one overflow series whose
 * argument labels are all {@code other}). Every folded call counts as a label overflow.
 */
public final class SeriesRegistry
{
    /** Ids are 20 bits in a rule table's slot. */
    public static final int MAX_SERIES = 1 << 20;
    private static final int ID_BITS = 20;
    private static final long ID_MASK = (1L << ID_BITS) - 1;
    private static final int VALUE_BITS = 13;

    /** Ids kept free for rules added by reloads (a reload that needs more is refused: restart). */
    private static final int RELOAD_RESERVE = 4096;

    /** Every rule the registry has seen, by registry index (rules removed by a reload keep their place and series). */
    private volatile List<RuleDefinition> rules;
    private volatile RuleSeries[] ruleSeries;
    private final AtomicReferenceArray<SeriesDefinition> definitions;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final StripedCounter labelOverflows = new StripedCounter();
    /** Status classes (none, 1xx..5xx) per series: the series of a {@code status_class} rule's series for each; null without such rules. */
    private volatile AtomicIntegerArray statusVariants;
    private static final int STATUS_CLASSES = 6;
    private static final String[] STATUS_CLASS_NAMES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    public SeriesRegistry(final List<RuleDefinition> rules)
    {
        this.rules = List.copyOf(rules);
        int capacity = 1;
        boolean statusClasses = false;
        for (final RuleDefinition rule : rules)
        {
            // a status_class rule's series each have up to six variants (the label's values)
            capacity += (rule.hasDynamicLabels() ? rule.maxSeries() + 1 : 1) * (rule.hasStatusClass() ? 1 + STATUS_CLASSES : 1);
            statusClasses |= rule.hasStatusClass();
        }
        // twice the need: ids lost to insert races stay unused
        this.definitions = new AtomicReferenceArray<>(Math.min(MAX_SERIES, 2 * capacity + 1 + RELOAD_RESERVE));
        this.statusVariants = statusClasses ? new AtomicIntegerArray(definitions.length() * STATUS_CLASSES) : null;
        final RuleSeries[] series = new RuleSeries[rules.size()];
        for (int i = 0; i < series.length; i++)
        {
            series[i] = new RuleSeries(rules.get(i));
        }
        this.ruleSeries = series;
    }

    /**
     * A reload's rules: each rule equal (but for where it is written) to one already here keeps its
     * registry index, so its series keep their ids; the others are added with new indexes.
     *
     * @return the registry index of each of {@code newRules}.
     * @throws IllegalStateException when the added rules could exceed the ids left (the old rules stay in force).
     */
    public synchronized int[] addRules(final List<RuleDefinition> newRules)
    {
        final List<RuleDefinition> known = rules;
        final int[] indexes = new int[newRules.size()];
        final List<RuleDefinition> added = new ArrayList<>();
        int needed = 0;
        boolean status = false;
        for (int i = 0; i < newRules.size(); i++)
        {
            final RuleDefinition rule = newRules.get(i);
            indexes[i] = -1;
            for (int k = known.size() - 1; k >= 0; k--)
            {
                if (known.get(k).withSource("").equals(rule.withSource("")))
                {
                    indexes[i] = k;
                    break;
                }
            }
            if (indexes[i] < 0)
            {
                indexes[i] = known.size() + added.size();
                added.add(rule);
                needed += 2 * (rule.hasDynamicLabels() ? rule.maxSeries() + 1 : 1) * (rule.hasStatusClass() ? 1 + STATUS_CLASSES : 1);
                status |= rule.hasStatusClass();
            }
        }
        if (needed > definitions.length() - nextId.get())
        {
            throw new IllegalStateException("the added rules may need " + needed + " series ids, " + (definitions.length() - nextId.get()) +
                " are left; restart the service to apply these rules");
        }
        if (status && statusVariants == null)
        {
            statusVariants = new AtomicIntegerArray(definitions.length() * STATUS_CLASSES);
        }
        if (!added.isEmpty())
        {
            final RuleSeries[] series = Arrays.copyOf(ruleSeries, known.size() + added.size());
            for (int i = 0; i < added.size(); i++)
            {
                series[known.size() + i] = new RuleSeries(added.get(i));
            }
            final List<RuleDefinition> all = new ArrayList<>(known);
            all.addAll(added);
            rules = List.copyOf(all);
            ruleSeries = series; // published after the rules and their series exist: advice of the new rules is installed later
        }
        return indexes;
    }

    public List<RuleDefinition> rules()
    {
        return rules;
    }

    /** The series id of a rule without argument labels, or -1 if it has some. */
    public int staticSeries(final int ruleIndex)
    {
        return ruleSeries[ruleIndex].staticId;
    }

    public SeriesDefinition definition(final int seriesId)
    {
        return seriesId > 0 && seriesId < definitions.length() ? definitions.get(seriesId) : null;
    }

    public long labelOverflows()
    {
        return labelOverflows.sum();
    }

    /** Series id for a call of rule {@code ruleIndex} with these argument values (unused ones ignored). */
    public int resolve(final int ruleIndex, final Object label0, final Object label1, final Object label2)
    {
        final RuleSeries[] series = ruleSeries;
        if (ruleIndex < 0 || ruleIndex >= series.length)
        {
            return 0;
        }
        return series[ruleIndex].resolve(label0, label1, label2);
    }

    /**
     * The series of {@code baseSeries} (a series of a {@code status_class} rule) with the label
     * {@code status_class} for {@code statusClass} (0 = none, 1..5 = 1xx..5xx); created at first use.
     */
    public int statusSeries(final int baseSeries, final int statusClass)
    {
        final AtomicIntegerArray statusVariants = this.statusVariants;
        if (statusVariants == null || baseSeries <= 0 || baseSeries >= definitions.length() || statusClass < 0 ||
            statusClass >= STATUS_CLASSES)
        {
            return baseSeries;
        }
        final int slot = baseSeries * STATUS_CLASSES + statusClass;
        final int known = statusVariants.get(slot);
        if (known != 0)
        {
            return known;
        }
        final SeriesDefinition base = definitions.get(baseSeries);
        final int id = base == null ? 0 : claimId();
        if (id == 0)
        {
            return baseSeries;
        }
        final Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i + 1 < base.labels().length; i += 2)
        {
            labels.put(base.labels()[i], base.labels()[i + 1]);
        }
        labels.put("status_class", STATUS_CLASS_NAMES[statusClass]);
        definitions.set(id, new SeriesDefinition(id, base.metric(), base.kind(), flatten(labels)));
        return statusVariants.compareAndSet(slot, 0, id) ? id : statusVariants.get(slot);
    }

    private static String[] flatten(final Map<String, String> labels)
    {
        final List<String> flat = new ArrayList<>(labels.size() * 2);
        for (final Map.Entry<String, String> label : labels.entrySet())
        {
            flat.add(label.getKey());
            flat.add(label.getValue());
        }
        return flat.toArray(new String[0]);
    }

    /** Series created for rule {@code ruleIndex} under its {@code max_series} cap (the overflow series not counted). */
    int seriesCount(final int ruleIndex)
    {
        return ruleSeries[ruleIndex].seriesCount.get();
    }

    /** The next free id, or 0 once the definitions table is full (it then stays full: ids are never given back). */
    private int claimId()
    {
        while (true)
        {
            final int id = nextId.get();
            if (id >= definitions.length())
            {
                return 0;
            }
            if (nextId.compareAndSet(id, id + 1))
            {
                return id;
            }
        }
    }

    private int newSeries(final RuleDefinition rule, final String[] dynamicValues)
    {
        final int id = claimId();
        if (id == 0)
        {
            return 0;
        }
        final Map<String, String> labels = new TreeMap<>(rule.staticLabels());
        for (int i = 0; i < dynamicValues.length; i++)
        {
            labels.put(rule.labelArguments().get(i).name(), dynamicValues[i]);
        }
        definitions.set(id, new SeriesDefinition(id, rule.metric(), rule.kind(), flatten(labels)));
        return id;
    }

    /**
     * One rule's series. Over its cap ({@code max_series} combinations, or a label's {@code max_values})
     * a call costs what a known combination costs: the label tables answer "other" in one missed probe,
     * the combination table misses in a few probes, a volatile {@code full} flag sends it to the
     * overflow series created up front, and the overflow is counted in a striped counter (the calling
     * thread's own cell when it has a {@link ThreadSlots} slot: no locked instruction). Nothing shared is
     * written but that counter's cell; nothing is allocated. A rule with one label (the common case)
     * skips the combination table once an index has been seen: its series id is one array load away.
     */
    private final class RuleSeries
    {
        private final RuleDefinition rule;
        private final int staticId;
        private final LabelTable[] tables;
        private final AtomicLongArray slots;
        private final int mask;
        /** Combinations given a series, at most {@code max_series}: only written while below it. */
        private final AtomicInteger seriesCount = new AtomicInteger();
        private volatile boolean full;
        private final int overflowId;
        /** Rules with one label: the series id per label index (0 = not known yet), one load instead of a probe. */
        private final AtomicIntegerArray byIndex;

        RuleSeries(final RuleDefinition rule)
        {
            this.rule = rule;
            final int labelCount = rule.labelArguments().size();
            this.tables = new LabelTable[labelCount];
            for (int i = 0; i < labelCount; i++)
            {
                final RuleDefinition.LabelArgument label = rule.labelArguments().get(i);
                tables[i] = new LabelTable(label.maxValues(), label.allowed());
            }
            if (labelCount == 0)
            {
                staticId = newSeries(rule, new String[0]);
                slots = null;
                mask = 0;
                overflowId = 0;
                byIndex = null;
            }
            else
            {
                staticId = -1;
                final int capacity = Integer.highestOneBit(Math.max(4, rule.maxSeries() * 2 - 1)) << 1;
                slots = new AtomicLongArray(capacity);
                mask = capacity - 1;
                final String[] other = new String[labelCount];
                Arrays.fill(other, LabelTable.OTHER);
                // made up front: the over-cap path must not race to create it (its definition reaches
                // the spool only if a sample refers to it)
                overflowId = newSeries(rule, other);
                byIndex = labelCount == 1 ? new AtomicIntegerArray(tables[0].otherIndex() + 1) : null;
            }
        }

        int resolve(final Object label0, final Object label1, final Object label2)
        {
            if (staticId >= 0)
            {
                return staticId;
            }
            final LabelTable[] tables = this.tables;
            final int length = tables.length;
            final int i0 = tables[0].indexOf(label0);
            final AtomicIntegerArray byIndex = this.byIndex;
            if (byIndex != null)
            {
                final int known = byIndex.getAcquire(i0);
                if (known != 0)
                {
                    if (i0 == tables[0].otherIndex())
                    {
                        labelOverflows.increment();
                    }
                    return known;
                }
            }
            final int i1 = length > 1 ? tables[1].indexOf(label1) : 0;
            final int i2 = length > 2 ? tables[2].indexOf(label2) : 0;
            boolean folded = i0 == tables[0].otherIndex();
            folded |= length > 1 && i1 == tables[1].otherIndex();
            folded |= length > 2 && i2 == tables[2].otherIndex();
            final long key = 1L + i0 + ((long)i1 << VALUE_BITS) + ((long)i2 << (2 * VALUE_BITS));
            final int hash = (int)(key * 0x9E3779B97F4A7C15L >>> 32);
            for (int slot = hash & mask, probes = 0; probes <= mask; slot = (slot + 1) & mask, probes++)
            {
                final long entry = slots.get(slot);
                if (entry == 0)
                {
                    final int id = full ? 0 : insert(key, slot, i0, i1, i2);
                    if (id <= 0)
                    {
                        labelOverflows.increment(); // counted once per call, folded label or not
                        // a one-label rule's "other" has the overflow series' labels: remembered like any other index
                        return id < 0 ? 0 : i0 == tables[0].otherIndex() ? known(i0, overflowId) : overflowId;
                    }
                    if (folded)
                    {
                        labelOverflows.increment();
                    }
                    return known(i0, id);
                }
                if (entry >>> ID_BITS == key)
                {
                    if (folded)
                    {
                        labelOverflows.increment();
                    }
                    return known(i0, (int)(entry & ID_MASK));
                }
            }
            labelOverflows.increment();
            return overflowId;
        }

        /** Remembers a one-label rule's series of a label index: a combination's id never changes once in the table. */
        private int known(final int i0, final int id)
        {
            if (byIndex != null)
            {
                byIndex.setRelease(i0, id);
            }
            return id;
        }

        /** The next free place under {@code max_series}, or false once all are taken (then full for ever). */
        private boolean claimSeries()
        {
            while (true)
            {
                final int count = seriesCount.get();
                if (count >= rule.maxSeries())
                {
                    full = true;
                    return false;
                }
                if (seriesCount.compareAndSet(count, count + 1))
                {
                    if (count + 1 == rule.maxSeries())
                    {
                        full = true;
                    }
                    return true;
                }
            }
        }

        /** @return the new (or racing thread's) id; 0 when over the cap; -1 when out of ids. */
        private int insert(final long key, final int startSlot, final int i0, final int i1, final int i2)
        {
            if (!claimSeries())
            {
                return 0;
            }
            final String[] values = new String[tables.length];
            final int[] indexes = {i0, i1, i2};
            for (int i = 0; i < values.length; i++)
            {
                values[i] = tables[i].value(indexes[i]);
            }
            final int id = newSeries(rule, values);
            if (id == 0)
            {
                return -1;
            }
            final long entry = (key << ID_BITS) | id;
            for (int slot = startSlot; ; slot = (slot + 1) & mask)
            {
                if (slots.compareAndSet(slot, 0, entry))
                {
                    return id;
                }
                final long other = slots.get(slot);
                if (other >>> ID_BITS == key)
                {
                    // lost the race to the same key: our id stays defined but unused; our place under the cap is given back
                    seriesCount.decrementAndGet();
                    full = false; // a racing claim that finds the cap reached sets it again
                    return (int)(other & ID_MASK);
                }
            }
        }
    }
}
