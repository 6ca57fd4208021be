package io.hotpath.agent.record;

import io.hotpath.agent.config.RuleDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

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

    private final List<RuleDefinition> rules;
    private final RuleSeries[] ruleSeries;
    private final AtomicReferenceArray<SeriesDefinition> definitions;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicLong labelOverflows = new AtomicLong();

    public SeriesRegistry(final List<RuleDefinition> rules)
    {
        this.rules = List.copyOf(rules);
        int capacity = 1;
        for (final RuleDefinition rule : rules)
        {
            capacity += rule.hasDynamicLabels() ? rule.maxSeries() + 1 : 1;
        }
        // twice the need: ids lost to insert races stay unused
        this.definitions = new AtomicReferenceArray<>(Math.min(MAX_SERIES, 2 * capacity + 1));
        this.ruleSeries = new RuleSeries[rules.size()];
        for (int i = 0; i < ruleSeries.length; i++)
        {
            ruleSeries[i] = new RuleSeries(rules.get(i));
        }
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
        return labelOverflows.get();
    }

    /** Series id for a call of rule {@code ruleIndex} with these argument values (unused ones ignored). */
    public int resolve(final int ruleIndex, final Object label0, final Object label1, final Object label2)
    {
        if (ruleIndex < 0 || ruleIndex >= ruleSeries.length)
        {
            return 0;
        }
        return ruleSeries[ruleIndex].resolve(label0, label1, label2);
    }

    private int newSeries(final RuleDefinition rule, final String[] dynamicValues)
    {
        final int id = nextId.getAndIncrement();
        if (id >= definitions.length())
        {
            nextId.set(definitions.length());
            return 0;
        }
        final Map<String, String> labels = new TreeMap<>(rule.staticLabels());
        for (int i = 0; i < dynamicValues.length; i++)
        {
            labels.put(rule.labelArguments().get(i).name(), dynamicValues[i]);
        }
        final List<String> flat = new ArrayList<>(labels.size() * 2);
        for (final Map.Entry<String, String> label : labels.entrySet())
        {
            flat.add(label.getKey());
            flat.add(label.getValue());
        }
        definitions.set(id, new SeriesDefinition(id, rule.metric(), rule.kind(), flat.toArray(new String[0])));
        return id;
    }

    private final class RuleSeries
    {
        private final RuleDefinition rule;
        private final int staticId;
        private final LabelTable[] tables;
        private final AtomicLongArray slots;
        private final int mask;
        private final AtomicInteger seriesCount = new AtomicInteger();
        private final AtomicInteger overflowId = new AtomicInteger();

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
            }
            else
            {
                staticId = -1;
                final int capacity = Integer.highestOneBit(Math.max(4, rule.maxSeries() * 2 - 1)) << 1;
                slots = new AtomicLongArray(capacity);
                mask = capacity - 1;
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
            final int i1 = length > 1 ? tables[1].indexOf(label1) : 0;
            final int i2 = length > 2 ? tables[2].indexOf(label2) : 0;
            boolean folded = i0 == tables[0].otherIndex();
            folded |= length > 1 && i1 == tables[1].otherIndex();
            folded |= length > 2 && i2 == tables[2].otherIndex();
            if (folded)
            {
                labelOverflows.incrementAndGet();
            }
            final long key = 1L + i0 + ((long)i1 << VALUE_BITS) + ((long)i2 << (2 * VALUE_BITS));
            final int hash = (int)(key * 0x9E3779B97F4A7C15L >>> 32);
            for (int slot = hash & mask, probes = 0; probes <= mask; slot = (slot + 1) & mask, probes++)
            {
                final long entry = slots.get(slot);
                if (entry == 0)
                {
                    return insert(key, slot, i0, i1, i2);
                }
                if (entry >>> ID_BITS == key)
                {
                    return (int)(entry & ID_MASK);
                }
            }
            return overflowSeries();
        }

        private int insert(final long key, final int startSlot, final int i0, final int i1, final int i2)
        {
            if (seriesCount.getAndIncrement() >= rule.maxSeries())
            {
                labelOverflows.incrementAndGet();
                return overflowSeries();
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
                return 0;
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
                    return (int)(other & ID_MASK); // lost the race to the same key; our id stays undefined-but-unused
                }
            }
        }

        private int overflowSeries()
        {
            final int id = overflowId.get();
            if (id != 0)
            {
                return id;
            }
            final String[] values = new String[tables.length];
            java.util.Arrays.fill(values, LabelTable.OTHER);
            final int created = newSeries(rule, values);
            return overflowId.compareAndSet(0, created) ? created : overflowId.get();
        }
    }
}
