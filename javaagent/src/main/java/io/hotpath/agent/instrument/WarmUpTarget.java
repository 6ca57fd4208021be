package io.hotpath.agent.instrument;

/**
 * Never loaded as a class: its class file is what {@link AdviceTransformer#warmUp} instruments
 * ahead of time (label and size from an argument, a boolean outcome).
 */
final class WarmUpTarget
{
    private WarmUpTarget()
    {
    }

    static boolean call(final String label)
    {
        return !label.isEmpty();
    }
}
