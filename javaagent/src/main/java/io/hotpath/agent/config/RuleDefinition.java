package io.hotpath.agent.config;

import io.hotpath.wire.MetricKind;

import java.util.List;
import java.util.Map;

/**
 * One instrumentation rule, validated: which methods to time and how their calls become samples.
 *
 * @param source          {@code file:line} of the rule, for messages.
 * @param typeName        exact type name, or {@code null}.
 * @param typePattern     glob over the type name ({@code *} within a package segment, {@code **}
 *                        across, {@code ?} one character), or {@code null}.
 * @param subtypeOf       a class or interface the type must extend or implement, or {@code null}.
 * @param methodName      the method name.
 * @param parameterTypes  parameter type names to match exactly, or {@code null} for any.
 * @param staticLabels    labels with fixed values, sorted by key.
 * @param labelArguments  labels taken from arguments, at most {@link #MAX_LABEL_ARGUMENTS}.
 * @param sizeArgument    argument index the payload size comes from, or -1.
 * @param sizeFromReturn  the payload size is the return value (an int/long, or sized object).
 * @param failureOn       {@code HotpathBridge.FAILURE_ON_*}.
 * @param async           {@code true}, {@code false} or {@code null} = automatic (a returned
 *                        {@code CompletionStage} makes the call asynchronous).
 * @param maxSeries       cardinality cap of this metric: series beyond it fold into {@code other}.
 * @param httpStatus      {@link #NO_HTTP_STATUS}: no {@code status_class} label; else the return value (or
 *                        the completion value of an asynchronous call) is an HTTP response whose status class
 *                        ({@code 1xx}..{@code 5xx}, {@code none} when the call threw) becomes the label, and a
 *                        status at or above this value is an error ({@code 0}: never).
 */
public record RuleDefinition(
    String source,
    String typeName,
    String typePattern,
    String subtypeOf,
    String methodName,
    List<String> parameterTypes,
    String metric,
    MetricKind kind,
    Map<String, String> staticLabels,
    List<LabelArgument> labelArguments,
    int sizeArgument,
    boolean sizeFromReturn,
    int failureOn,
    Boolean async,
    int maxSeries,
    int httpStatus)
{
    /** {@link #httpStatus} of a rule without a {@code status_class} label. */
    public static final int NO_HTTP_STATUS = -1;
    /** {@link #httpStatus} by default for {@code status-class: true}: 5xx is an error. */
    public static final int DEFAULT_HTTP_ERROR_FROM = 500;

    /** A rule without a {@code status_class} label. */
    public RuleDefinition(
        final String source, final String typeName, final String typePattern, final String subtypeOf, final String methodName,
        final List<String> parameterTypes, final String metric, final MetricKind kind, final Map<String, String> staticLabels,
        final List<LabelArgument> labelArguments, final int sizeArgument, final boolean sizeFromReturn, final int failureOn,
        final Boolean async, final int maxSeries)
    {
        this(source, typeName, typePattern, subtypeOf, methodName, parameterTypes, metric, kind, staticLabels, labelArguments,
            sizeArgument, sizeFromReturn, failureOn, async, maxSeries, NO_HTTP_STATUS);
    }

    /** The same rule at another place: reloads compare rules by what they do, not by where they are written. */
    public RuleDefinition withSource(final String newSource)
    {
        return new RuleDefinition(newSource, typeName, typePattern, subtypeOf, methodName, parameterTypes, metric, kind, staticLabels,
            labelArguments, sizeArgument, sizeFromReturn, failureOn, async, maxSeries, httpStatus);
    }

    /** Whether the rule labels its series with the HTTP status class of the response. */
    public boolean hasStatusClass()
    {
        return httpStatus != NO_HTTP_STATUS;
    }

    public static final int MAX_LABEL_ARGUMENTS = 3;
    public static final int DEFAULT_MAX_SERIES = 256;
    public static final int DEFAULT_MAX_VALUES = 64;
    /** The hard limit of a label's distinct values (14 bits of a series key). */
    public static final int LIMIT_MAX_VALUES = 4096;

    /**
     * A label whose value comes from an argument: an enum gives its {@code name()}, a
     * {@code CharSequence} itself, anything else its {@code toString()}; {@code null} gives
     * {@code "null"}. Beyond {@code maxValues} distinct values (or outside {@code allowed} when
     * given) the value is {@code other}.
     */
    public record LabelArgument(String name, int argument, int maxValues, List<String> allowed)
    {
    }

    public boolean hasDynamicLabels()
    {
        return !labelArguments.isEmpty();
    }
}
