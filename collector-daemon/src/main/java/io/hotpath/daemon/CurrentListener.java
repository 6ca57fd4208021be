package io.hotpath.daemon;

import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.aggregate.IntervalListener;
import java.util.function.Supplier;

/** The interval listener the daemon runs now (replaced on reload); same order as registered. */
record CurrentListener(Supplier<? extends IntervalListener> current) implements IntervalListener
{
    @Override
    public void onInterval(final ClosedInterval interval)
    {
        current.get().onInterval(interval);
    }

    @Override
    public void onLateInterval(final ClosedInterval samples)
    {
        current.get().onLateInterval(samples);
    }

    @Override
    public void afterRotation()
    {
        current.get().afterRotation();
    }
}
