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
import java.util.function.LongSupplier;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 *
 * <p>Where a fold is counted: {@link #resolve} counts each folded call itself. The agent's recorder
 * resolves with {@link #resolveForSample} instead, which returns a folded call's id negated and leaves
 * the count to the sample: {@code RingRecorder.record} takes the sign, and counts the fold, written or
 * dropped, where the ring lookup the sample makes anyway leads it: in its owned stripe, next to the
 * tail ({@code StripedRing}), or else in its cell here ({@link #countFold}). The over-cap path pays one
 * slot lookup, not two, and no other path pays more than a sign test. A fold that yields no sample (no
 * series id left) is counted at resolution.
 *
 * <p>Over 400 lines because the per-call lookup and the tables it reads must stay together: the fast path
 * ({@code RuleSeries.resolve}) is kept small enough to inline into the advice, its slow path, the write-once
 * fast table and the cap folding all read the same packed slots.
 */
public final class SeriesRegistry
{
    /** Ids are 20 bits in a rule table's slot. */
    public static final int MAX_SERIES = 1 << 20;
    private static final int ID_BITS = 20;
    private static final long ID_MASK = (1L << ID_BITS) - 1;
    private static final int VALUE_BITS = 13;

    /** Slots of a one-label rule's {@link RuleSeries#fastKeys}, {@link RuleSeries#fastIds}: acquire loads, CAS claims. */
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle IDS = MethodHandles.arrayElementVarHandle(int[].class);
    /** What a {@code null} argument is cached under. */
    private static final Object NULL_LABEL = new Object();

    /** Ids kept free for rules added by reloads (a reload that needs more is refused: restart). */
    private static final int RELOAD_RESERVE = 4096;

    /** Every rule the registry has seen, by registry index (rules removed by a reload keep their place and series). */
    private volatile List<RuleDefinition> rules;
    private volatile RuleSeries[] ruleSeries;
    private final AtomicReferenceArray<SeriesDefinition> definitions;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final StripedCounter labelOverflows = new StripedCounter();
    private volatile LongSupplier recordedFolds = () -> 0;
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

    /** Folded calls counted here and by the recorder's samples ({@link #countFoldsOf}). */
    public long labelOverflows()
    {
        return labelOverflows.sum() + recordedFolds.getAsLong();
    }

    /**
     * Makes {@link #labelOverflows()} include the folds counted by {@code counted}: the recorder's
     * samples of folded calls counted in the ring's owned stripes ({@code RingRecorder}'s constructor).
     */
    void countFoldsOf(final LongSupplier counted)
    {
        recordedFolds = counted;
    }

    /**
     * Series id for a call of rule {@code ruleIndex} with these argument values (unused ones ignored);
     * a folded call is counted as a label overflow here.
     */
    public int resolve(final int ruleIndex, final Object label0, final Object label1, final Object label2)
    {
        final int id = resolveForSample(ruleIndex, label0, label1, label2);
        if (id < 0)
        {
            labelOverflows.increment();
            return -id;
        }
        return id;
    }

    /**
     * {@link #resolve} for a caller that records one sample per call and counts folds by their sample
     * ({@link #countFold}, written or dropped): a folded call's id is returned negated ({@code -id}) and
     * not counted here; 0 when the call has no series (counted here if it was folded: no sample follows).
     */
    public int resolveForSample(final int ruleIndex, final Object label0, final Object label1, final Object label2)
    {
        final RuleSeries[] series = ruleSeries;
        if (ruleIndex < 0 || ruleIndex >= series.length)
        {
            return 0;
        }
        return series[ruleIndex].resolve(label0, label1, label2);
    }

    /**
     * Counts one folded call in the calling thread's cell (its own, without a locked instruction, when it
     * has a {@link ThreadSlots} slot): for the recorder's samples that have no owned stripe to count them.
     */
    void countFold()
    {
        labelOverflows.increment();
    }

    /**
     * The series of {@code baseSeries} (a series of a {@code status_class} rule) with the label
     * {@code status_class} for {@code statusClass} (0 = none, 1..5 = 1xx..5xx); created at first use.
     */
    public int statusSeries(final int baseSeries, final int statusClass)
    {
        // the known variant, small enough for the JIT to inline into the advice (perf, stop 21: the
        // whole method, with its recursion and first-use path, stayed a call of its own)
        final AtomicIntegerArray statusVariants = this.statusVariants;
        if (statusVariants != null && baseSeries > 0 && statusClass >= 0 && statusClass < STATUS_CLASSES)
        {
            final int slot = baseSeries * STATUS_CLASSES + statusClass;
            if (slot < statusVariants.length())
            {
                final int known = statusVariants.get(slot);
                if (known != 0)
                {
                    return known;
                }
            }
        }
        return statusSeriesFirstUse(baseSeries, statusClass);
    }

    private int statusSeriesFirstUse(final int baseSeries, final int statusClass)
    {
        if (baseSeries < 0)
        {
            // a folded call's id from resolveForSample: its variant, folded too
            final int variant = statusSeries(-baseSeries, statusClass);
            return variant > 0 ? -variant : baseSeries;
        }
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
     * overflow series created up front, and the id comes back negated: {@link #resolve} counts it in a
     * striped counter (the calling thread's own cell when it has a {@link ThreadSlots} slot: no locked
     * instruction), the recorder when it records the sample. Nothing shared is written but that counter's
     * cell; nothing is allocated. A rule with one label (the common case)
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
        /**
         * Rules with one label: argument object → series id, so a known label costs one probe of two
         * flat arrays (no label table, entry or per-index load). Write-once slots: a key is stored by CAS
         * into an empty slot and never replaced, its id ({@code > 0}; {@code -id}: a folded value, counted
         * per call; 0 = not written yet: the slow path) is written after it, always the same value. Keys:
         * strings (by {@code equals}), enum constants and {@link #NULL_LABEL} (by identity); folded strings
         * are not stored (unbounded), at most half the slots are used, so a probe always ends.
         */
        private final Object[] fastKeys;
        private final int[] fastIds;
        private final int fastMask;
        private final AtomicInteger fastEntries = new AtomicInteger();
        /** Per label index: 1 once its value string is a key of the fast table; how many are. */
        private final AtomicIntegerArray stringCached;
        private final AtomicInteger stringsCached = new AtomicInteger();
        /**
         * The id of {@code other} once every value string is in the fast table and the label table is
         * full: a string missing from the fast table is then over the cap for sure, and costs one missed
         * probe and this load. 0 until then.
         */
        private volatile int foldId;

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
                fastKeys = null;
                fastIds = null;
                fastMask = 0;
                stringCached = null;
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
                // as the label table: a string and an enum alias per value, and null, at a load of at most one half
                final int fastCapacity = labelCount == 1 ? Integer.highestOneBit(Math.max(8, 4 * tables[0].otherIndex() + 3) - 1) << 1 : 0;
                fastKeys = labelCount == 1 ? new Object[fastCapacity] : null;
                fastIds = labelCount == 1 ? new int[fastCapacity] : null;
                fastMask = fastCapacity - 1;
                stringCached = labelCount == 1 ? new AtomicIntegerArray(tables[0].otherIndex()) : null;
            }
        }

        /** Spreads a key's hash over the fast table's slots. */
        private static int fastHash(final Object key, final boolean string)
        {
            final int h = (string ? key.hashCode() : System.identityHashCode(key)) * 0x9E3779B9;
            return h ^ (h >>> 16);
        }

        private static boolean sameKey(final Object stored, final Object key, final boolean string)
        {
            return stored == key || (string && stored instanceof String && stored.hashCode() == key.hashCode() && stored.equals(key));
        }

        /**
         * A one-label rule's series from the fast table ({@code -id} when folded), or 0 when it has no
         * answer (the slow path then resolves through the label table, and stores what it found).
         */
        private int resolveFast(final Object label)
        {
            // read before the probe: once it is set, every value string is visible in the table
            final int fold = foldId;
            final Object[] keys = fastKeys;
            final Object key = label == null ? NULL_LABEL : label;
            final boolean string = key instanceof String;
            if (!string && !(key instanceof Enum) && key != NULL_LABEL)
            {
                return 0; // never stored; and an identity hash would have to be made for it (a CAS on its header)
            }
            for (int slot = fastHash(key, string) & fastMask; ; slot = (slot + 1) & fastMask)
            {
                final Object stored = KEYS.getAcquire(keys, slot);
                if (stored == null)
                {
                    if (!string)
                    {
                        return 0;
                    }
                    return -fold; // folded (0: no answer, the slow path decides)
                }
                if (sameKey(stored, key, string))
                {
                    return (int)IDS.getAcquire(fastIds, slot); // -id for a folded value, as resolve returns it
                }
            }
        }

        /** Stores what the slow path found for {@code label} (label index {@code index}, series {@code id}) in the fast table. */
        private void remember(final Object label, final int index, final int id)
        {
            final Object key = label == null ? NULL_LABEL : label;
            final boolean string = key instanceof String;
            final boolean folded = index == tables[0].otherIndex();
            if (id <= 0 || !(string || key instanceof Enum || key == NULL_LABEL))
            {
                return; // other objects are keyed by their toString(), which may change
            }
            if (folded && string)
            {
                enableFold();
                return;
            }
            final Object[] keys = fastKeys;
            for (int slot = fastHash(key, string) & fastMask; ; slot = (slot + 1) & fastMask)
            {
                final Object stored = KEYS.getAcquire(keys, slot);
                if (stored == null)
                {
                    if (fastEntries.incrementAndGet() > (fastMask + 1) / 2)
                    {
                        fastEntries.decrementAndGet();
                        return;
                    }
                    if (!KEYS.compareAndSet(keys, slot, null, key))
                    {
                        fastEntries.decrementAndGet();
                        slot = (slot - 1) & fastMask; // look at this slot again: another key, or ours
                        continue;
                    }
                }
                else if (!sameKey(stored, key, string))
                {
                    continue;
                }
                IDS.setRelease(fastIds, slot, folded ? -id : id); // the same value whoever writes it
                if (string && stringCached.compareAndSet(index, 0, 1))
                {
                    stringsCached.incrementAndGet();
                    enableFold();
                }
                return;
            }
        }

        /** Sets {@link #foldId} once every value string is in the fast table and no index is left. */
        private void enableFold()
        {
            final int other = tables[0].otherIndex();
            if (foldId == 0 && tables[0].isFull() && stringsCached.get() == other)
            {
                foldId = byIndex.get(other);
            }
        }

        /**
         * The call's series id, negated when the call is folded (the caller counts it); 0 when it has
         * none. Small enough to be inlined into the advice (the JIT's limit is 325 bytes of bytecode for a hot method).
         */
        int resolve(final Object label0, final Object label1, final Object label2)
        {
            if (staticId >= 0)
            {
                return staticId;
            }
            if (fastKeys != null)
            {
                final int fast = resolveFast(label0);
                if (fast != 0)
                {
                    return fast;
                }
            }
            return resolveSlow(label0, label1, label2);
        }

        /** Through the label tables: first sightings, several labels, and what the fast table has no answer for. */
        private int resolveSlow(final Object label0, final Object label1, final Object label2)
        {
            final LabelTable[] tables = this.tables;
            final int length = tables.length;
            final int i0 = tables[0].indexOf(label0);
            final AtomicIntegerArray byIndex = this.byIndex;
            if (byIndex != null)
            {
                final int known = byIndex.getAcquire(i0);
                if (known != 0)
                {
                    remember(label0, i0, known);
                    return i0 == tables[0].otherIndex() ? -known : known;
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
                    if (id < 0)
                    {
                        labelOverflows.increment(); // out of ids: no series, so no sample to count it
                        return 0;
                    }
                    if (id == 0)
                    {
                        // over the cap, folded label or not; a one-label rule's "other" has the overflow
                        // series' labels: remembered like any other index
                        return -(i0 == tables[0].otherIndex() ? known(label0, i0, overflowId) : overflowId);
                    }
                    return folded ? -known(label0, i0, id) : known(label0, i0, id);
                }
                if (entry >>> ID_BITS == key)
                {
                    final int id = known(label0, i0, (int)(entry & ID_MASK));
                    return folded ? -id : id;
                }
            }
            return -overflowId;
        }

        /** Remembers a one-label rule's series of a label index: a combination's id never changes once in the table. */
        private int known(final Object label0, final int i0, final int id)
        {
            if (byIndex != null)
            {
                byIndex.setRelease(i0, id);
                remember(label0, i0, id);
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
