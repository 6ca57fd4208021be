package io.hotpath.agent.bootstrap;

import java.util.Arrays;

/**
 * How deep each rule's instrumented calls are nested on the current thread, so that a rule whose
 * methods can call one another records only the outermost call. The case it exists for: under
 * {@code subtype_of} (or a {@code name_pattern} that matches a class and its subclass) both
 * {@code Base.send} and an override {@code Special.send} that calls {@code super.send} are
 * instrumented; without this, one call of {@code Special.send} would be recorded twice.
 *
 * <p>The advice calls {@link #enter} and {@link #exit} only for such rules (a constant bound per
 * rule, so the JIT removes the calls from the other rules' code). Cost: one thread-local look-up
 * and an array increment per call. Allocation: one small array per thread, on its first guarded
 * call (grown if a rule index does not fit, which cannot happen once the agent has started);
 * nothing per call. Loaded by the bootstrap class loader, like {@link HotpathBridge}.
 */
public final class CallDepth
{
    private static final int INITIAL_RULES = 64;

    private static final ThreadLocal<int[]> DEPTHS = new ThreadLocal<>()
    {
        @Override
        protected int[] initialValue()
        {
            return new int[INITIAL_RULES];
        }
    };

    private CallDepth()
    {
    }

    /**
     * Counts a call of rule {@code ruleIndex} on this thread in.
     *
     * @return {@code true} if it is the outermost one (the only one to record).
     */
    public static boolean enter(final int ruleIndex)
    {
        int[] depths = DEPTHS.get();
        if (ruleIndex >= depths.length)
        {
            depths = Arrays.copyOf(depths, Math.max(ruleIndex + 1, 2 * depths.length));
            DEPTHS.set(depths);
        }
        return depths[ruleIndex]++ == 0;
    }

    /** Counts the call out again; called exactly once for every {@link #enter}, whatever its result. */
    public static void exit(final int ruleIndex)
    {
        final int[] depths = DEPTHS.get();
        if (ruleIndex < depths.length && depths[ruleIndex] > 0)
        {
            depths[ruleIndex]--;
        }
    }
}
