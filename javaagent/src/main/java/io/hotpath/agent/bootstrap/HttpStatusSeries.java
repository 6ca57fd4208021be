package io.hotpath.agent.bootstrap;

/**
 * What the bridge needs for rules with a {@code status_class} label, installed by the agent
 * ({@link HotpathBridge#installStatusSeries}): the status code of a response object (the bridge,
 * in the bootstrap loader, cannot see {@code java.net.http}), and the series of a rule's series
 * for one status class. Both must not allocate once a class and a series were seen.
 */
public abstract class HttpStatusSeries
{
    /** Until the agent installs its own: no code known, series unchanged. */
    static final HttpStatusSeries NONE = new HttpStatusSeries()
    {
        @Override
        public int statusCode(final Object response)
        {
            return 0;
        }

        @Override
        public int series(final int baseSeries, final int statusClass)
        {
            return baseSeries;
        }
    };

    /** The HTTP status code of {@code response} (not null), 0 when it has none. */
    public abstract int statusCode(Object response);

    /**
     * @param statusClass 1..5 for 1xx..5xx, 0 for none (the call threw, or no response).
     * @return the series of {@code baseSeries} with the {@code status_class} label.
     */
    public abstract int series(int baseSeries, int statusClass);
}
