package io.hotpath.agent.instrument;

import io.hotpath.agent.bootstrap.CompletionTimes;
import net.bytebuddy.asm.Advice;

/** Inlined at the entry of {@code CompletableFuture.postComplete()}: see {@link CompletionTimes}. */
final class CompletionHookAdvice
{
    private CompletionHookAdvice()
    {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This final Object future)
    {
        CompletionTimes.completing(future);
    }
}
