package io.hotpath.agent.instrument;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.config.RuleDefinition;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.assign.primitive.PrimitiveWideningDelegate;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.implementation.bytecode.constant.LongConstant;
import net.bytebuddy.implementation.bytecode.constant.NullConstant;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatchers;

import java.util.concurrent.CompletionStage;

/**
 * The {@link Advice.OffsetMapping}s behind {@link AdviceBindings}: each resolves, per instrumented
 * method, to a few instructions that read an argument or the return value and convert it with a
 * static helper of {@link HotpathBridge}, or to a constant when the rule does not use it. Argument
 * indexes beyond the method's parameters resolve to "absent" with one warning per rule.
 */
final class RuleMappings
{
    private static final MethodDescription.InDefinedShape SIZE_OF_OBJECT = bridgeMethod("sizeOf", Object.class);
    private static final MethodDescription.InDefinedShape SIZE_OF_LONG = bridgeMethod("sizeOf", long.class);
    private static final MethodDescription.InDefinedShape FAILED_IF_NULL = bridgeMethod("failedIfNull", Object.class);
    private static final MethodDescription.InDefinedShape FAILED_IF_FALSE = bridgeMethod("failedIfFalse", Object.class);

    private RuleMappings()
    {
    }

    static MethodDescription.InDefinedShape bridgeMethod(final String name, final Class<?>... parameters)
    {
        try
        {
            return new MethodDescription.ForLoadedMethod(HotpathBridge.class.getMethod(name, parameters));
        }
        catch (final NoSuchMethodException e)
        {
            throw new IllegalStateException(e);
        }
    }

    /** The argument at {@code index}, boxed to {@code Object}; {@code null} when the rule takes none. */
    static Advice.OffsetMapping argument(final RuleDefinition rule, final int index)
    {
        return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
        {
            final ParameterDescription parameter = parameter(rule, instrumentedMethod, index);
            if (parameter == null)
            {
                return new Advice.OffsetMapping.Target.ForStackManipulation(NullConstant.INSTANCE);
            }
            return new Advice.OffsetMapping.ForArgument.Resolved(
                TypeDescription.Generic.OBJECT, true, Assigner.Typing.DYNAMIC, parameter)
                .resolve(instrumentedType, instrumentedMethod, assigner, argumentHandler, sort);
        };
    }

    /** Payload size of the argument at {@code index}, read at entry; -1 when none. */
    static Advice.OffsetMapping payloadArgument(final RuleDefinition rule)
    {
        return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
        {
            final ParameterDescription parameter = parameter(rule, instrumentedMethod, rule.sizeArgument());
            if (parameter == null)
            {
                return new Advice.OffsetMapping.Target.ForStackManipulation(LongConstant.forValue(HotpathBridge.SIZE_UNKNOWN));
            }
            final StackManipulation load = MethodVariableAccess.of(parameter.getType())
                .loadFrom(argumentHandler.argument(parameter.getOffset()));
            return new Advice.OffsetMapping.Target.ForStackManipulation(
                sizeOf(rule, parameter.getType().asErasure(), load, HotpathBridge.SIZE_UNKNOWN));
        };
    }

    /** Payload size of the return value, or {@code NO_RETURNED_SIZE} when the rule does not take it. */
    static Advice.OffsetMapping returnedSize(final RuleDefinition rule)
    {
        return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
        {
            final TypeDescription returnType = instrumentedMethod.getReturnType().asErasure();
            if (!rule.sizeFromReturn() || returnType.represents(void.class))
            {
                return new Advice.OffsetMapping.Target.ForStackManipulation(LongConstant.forValue(HotpathBridge.NO_RETURNED_SIZE));
            }
            final StackManipulation load = MethodVariableAccess.of(returnType).loadFrom(argumentHandler.returned());
            return new Advice.OffsetMapping.Target.ForStackManipulation(
                sizeOf(rule, returnType, load, HotpathBridge.NO_RETURNED_SIZE));
        };
    }

    /** The error type id the return value means under {@code failure_on}, else 0. */
    static Advice.OffsetMapping returnedFailure(final RuleDefinition rule)
    {
        return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
        {
            final TypeDescription returnType = instrumentedMethod.getReturnType().asErasure();
            final StackManipulation none = IntegerConstant.forValue(0);
            if (rule.failureOn() == HotpathBridge.FAILURE_ON_NOTHING || returnType.represents(void.class))
            {
                return new Advice.OffsetMapping.Target.ForStackManipulation(none);
            }
            final StackManipulation load = MethodVariableAccess.of(returnType).loadFrom(argumentHandler.returned());
            if (rule.failureOn() == HotpathBridge.FAILURE_ON_FALSE)
            {
                if (returnType.represents(boolean.class))
                {
                    // returned ^ 1: 1 (= ERROR_RETURNED_FALSE) for false, 0 for true
                    return new Advice.OffsetMapping.Target.ForStackManipulation(
                        new StackManipulation.Compound(load, IntegerConstant.forValue(1), Xor.INSTANCE));
                }
                if (returnType.represents(Boolean.class) || returnType.represents(Object.class))
                {
                    return new Advice.OffsetMapping.Target.ForStackManipulation(
                        new StackManipulation.Compound(load, MethodInvocation.invoke(FAILED_IF_FALSE)));
                }
            }
            else if (!returnType.isPrimitive())
            {
                return new Advice.OffsetMapping.Target.ForStackManipulation(
                    new StackManipulation.Compound(load, MethodInvocation.invoke(FAILED_IF_NULL)));
            }
            AgentLog.warnOnce("failure-type-" + rule.source(), "rule at " + rule.source() + ": failure_on does not apply to " +
                instrumentedMethod.toGenericString() + " (returns " + returnType.getActualName() + "); ignored");
            return new Advice.OffsetMapping.Target.ForStackManipulation(none);
        };
    }

    /** The return value when the call is timed to completion, else {@code null}. */
    static Advice.OffsetMapping returnedStage(final RuleDefinition rule)
    {
        return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
        {
            final TypeDescription returnType = instrumentedMethod.getReturnType().asErasure();
            final boolean reference = !returnType.isPrimitive() && !returnType.represents(void.class);
            final boolean completable = reference && (returnType.isAssignableTo(CompletionStage.class) || isNettyFuture(returnType));
            final boolean async = rule.async() == null ? completable : rule.async() && reference;
            if (!async)
            {
                return new Advice.OffsetMapping.Target.ForStackManipulation(NullConstant.INSTANCE);
            }
            return new Advice.OffsetMapping.Target.ForStackManipulation(
                MethodVariableAccess.of(returnType).loadFrom(argumentHandler.returned()));
        };
    }

    /** The return value of a {@code status_class} rule (a reference), else {@code null}. */
    static Advice.OffsetMapping returnedResponse(final RuleDefinition rule)
    {
        return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
        {
            final TypeDescription returnType = instrumentedMethod.getReturnType().asErasure();
            if (!rule.hasStatusClass() || returnType.isPrimitive() || returnType.represents(void.class))
            {
                return new Advice.OffsetMapping.Target.ForStackManipulation(NullConstant.INSTANCE);
            }
            return new Advice.OffsetMapping.Target.ForStackManipulation(
                MethodVariableAccess.of(returnType).loadFrom(argumentHandler.returned()));
        };
    }

    /** Netty's future type, found by name: the agent cannot link against the application's Netty. */
    private static boolean isNettyFuture(final TypeDescription type)
    {
        try
        {
            return ElementMatchers.hasSuperType(ElementMatchers.named("io.netty.util.concurrent.Future")).matches(type);
        }
        catch (final RuntimeException unresolvable)
        {
            return false;
        }
    }

    private static StackManipulation sizeOf(
        final RuleDefinition rule, final TypeDescription type, final StackManipulation load, final long absent)
    {
        if (!type.isPrimitive())
        {
            return new StackManipulation.Compound(load, MethodInvocation.invoke(SIZE_OF_OBJECT));
        }
        if (type.represents(long.class))
        {
            return new StackManipulation.Compound(load, MethodInvocation.invoke(SIZE_OF_LONG));
        }
        if (type.represents(int.class) || type.represents(short.class) || type.represents(byte.class) ||
            type.represents(char.class))
        {
            return new StackManipulation.Compound(
                load, PrimitiveWideningDelegate.forPrimitive(type).widenTo(TypeDefinition.Sort.describe(long.class)),
                MethodInvocation.invoke(SIZE_OF_LONG));
        }
        AgentLog.warnOnce("size-type-" + rule.source(), "rule at " + rule.source() + ": cannot take a payload size from a " +
            type.getActualName() + "; size left unknown");
        return LongConstant.forValue(absent);
    }

    private static ParameterDescription parameter(
        final RuleDefinition rule, final MethodDescription method, final int index)
    {
        if (index < 0)
        {
            return null;
        }
        if (index >= method.getParameters().size())
        {
            AgentLog.warnOnce("arg-" + rule.source() + "-" + index, "rule at " + rule.source() + ": argument " + index +
                " does not exist in " + method.toGenericString() + "; treated as absent");
            return null;
        }
        return method.getParameters().get(index);
    }

    /** {@code IXOR}. */
    private enum Xor implements StackManipulation
    {
        INSTANCE;

        @Override
        public boolean isValid()
        {
            return true;
        }

        @Override
        public Size apply(final MethodVisitor methodVisitor, final Implementation.Context context)
        {
            methodVisitor.visitInsn(Opcodes.IXOR);
            return new Size(-1, 0);
        }
    }
}
