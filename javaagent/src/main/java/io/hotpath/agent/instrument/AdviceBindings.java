package io.hotpath.agent.instrument;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The per-rule values {@link TimingAdvice} receives, bound per rule with
 * {@code Advice.withCustomMapping()} by {@link AdviceTransformer}: constants, or code computed for
 * the instrumented method's actual parameter and return types.
 */
final class AdviceBindings
{
    private AdviceBindings()
    {
    }

    /** Constant: the rule's index in the series registry. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface RuleIndex
    {
    }

    /** Constant: the rule's series id when it has no labels from arguments, else -1. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface StaticSeries
    {
    }

    /**
     * Constant: {@code true} for rules whose instrumented methods can call one another on one thread
     * ({@code subtype_of}, {@code name_pattern}); their advice records only the outermost call
     * (through {@code CallDepth}).
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface OutermostOnly
    {
    }

    /** Constant: {@code HotpathBridge.FAILURE_ON_*}, and the {@code status_class} setting above {@code STATUS_SHIFT}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface FailureMode
    {
    }

    /** The argument of the rule's first argument label (boxed), or {@code null}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface LabelArgument0
    {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface LabelArgument1
    {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface LabelArgument2
    {
    }

    /** Payload size from the rule's size argument, read at entry; -1 when none. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface PayloadArgument
    {
    }

    /** Payload size from the return value, or {@code HotpathBridge.NO_RETURNED_SIZE}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface ReturnedSize
    {
    }

    /** Error type id the return value means under the rule's {@code failure_on}, else 0. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface ReturnedFailure
    {
    }

    /** The returned completion stage when the call is timed to completion, else {@code null}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface ReturnedStage
    {
    }

    /** The return value of a {@code status_class} rule's synchronous call (its HTTP response), else {@code null}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface ReturnedResponse
    {
    }
}
