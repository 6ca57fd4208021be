package io.hotpath.agent.instrument;

import io.hotpath.agent.bootstrap.CallDepth;
import io.hotpath.agent.bootstrap.HotpathBridge;
import net.bytebuddy.asm.Advice;

/**
 * The advice every rule inlines into its methods: two {@code System.nanoTime()} reads around the
 * call and one {@link HotpathBridge#record} (or, for a call timed to completion, one completion
 * callback). Anything thrown inside goes to {@link HotpathBridge#adviceError} and never into the
 * application: the call proceeds as if uninstrumented. A failed entry leaves {@code startNanos}
 * at 0, which the exit skips; so does a nested call of an {@code outermostOnly} rule.
 */
public final class TimingAdvice
{
    private TimingAdvice()
    {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(
        @AdviceBindings.RuleIndex final int ruleIndex,
        @AdviceBindings.OutermostOnly final boolean outermostOnly,
        @AdviceBindings.StaticSeries final int staticSeries,
        @AdviceBindings.LabelArgument0 final Object label0,
        @AdviceBindings.LabelArgument1 final Object label1,
        @AdviceBindings.LabelArgument2 final Object label2,
        @AdviceBindings.PayloadArgument final long payload,
        @Advice.Local("hotpathSeries") int seriesId,
        @Advice.Local("hotpathPayload") long payloadBytes)
    {
        if (outermostOnly && !CallDepth.enter(ruleIndex))
        {
            return 0L;
        }
        seriesId = staticSeries >= 0 ? staticSeries : HotpathBridge.series(ruleIndex, label0, label1, label2);
        payloadBytes = payload;
        return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @AdviceBindings.RuleIndex final int ruleIndex,
        @AdviceBindings.OutermostOnly final boolean outermostOnly,
        @Advice.Enter final long startNanos,
        @Advice.Local("hotpathSeries") final int seriesId,
        @Advice.Local("hotpathPayload") final long payloadBytes,
        @Advice.Thrown final Throwable thrown,
        @AdviceBindings.ReturnedSize final long returnedSize,
        @AdviceBindings.ReturnedFailure final int returnedFailure,
        @AdviceBindings.ReturnedStage final Object stage,
        @AdviceBindings.ReturnedResponse final Object response,
        @AdviceBindings.FailureMode final int failureMode)
    {
        // The end time comes first: nothing of the advice's own work is part of the call — neither the
        // nesting bookkeeping nor the returned size or failure (bindings are evaluated where they are
        // read, below; reading them before the clock put e.g. a List's size() into p2p_discover's latency).
        final long endNanos = startNanos != 0L ? System.nanoTime() : 0L;
        if (outermostOnly)
        {
            CallDepth.exit(ruleIndex); // before anything that could fail: a missed exit would silence the rule on this thread
        }
        if (startNanos == 0L)
        {
            return;
        }
        final long payload = returnedSize == HotpathBridge.NO_RETURNED_SIZE ? payloadBytes : returnedSize;
        if (thrown == null && stage != null)
        {
            HotpathBridge.recordOnCompletion(stage, seriesId, startNanos, payload, failureMode);
            return;
        }
        final int error = thrown == null ? returnedFailure : HotpathBridge.errorType(thrown);
        if (failureMode >= 1 << HotpathBridge.STATUS_SHIFT) // a constant per rule: folded away for rules without status_class
        {
            HotpathBridge.recordStatus(null, false, thrown == null ? response : null, seriesId, startNanos, endNanos, payload, error,
                failureMode);
            return;
        }
        HotpathBridge.record(seriesId, startNanos, endNanos, payload, error);
    }
}
