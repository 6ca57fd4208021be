package io.hotpath.agent.config;

import io.hotpath.wire.config.YamlNode;

/**
 * The name checks of rules files: metric and label names, Java type names and type-name globs (alone, and
 * on a YAML node with the error at its place).
 * Character loops instead of regular expressions: compiling the patterns ({@code \p{L}} classes) at
 * start-up costs the agent milliseconds in a cold JVM for what a loop over the characters does
 * ({@code NameChecksTest} holds them equal to the patterns).
 */
final class NameChecks
{
    private NameChecks()
    {
    }

    /** An identifier ({@link #isIdentifier}) at {@code node}; {@code expected} says what it names. */
    static String identifier(final YamlNode<ConfigException> node, final String expected) throws ConfigException
    {
        final String value = node.string();
        if (!isIdentifier(value))
        {
            throw node.error("expected " + expected + ", got '" + value + "'");
        }
        return value;
    }

    /** A Java type name ({@link #isTypeName}) at {@code node}. */
    static String typeName(final YamlNode<ConfigException> node) throws ConfigException
    {
        final String value = node.string();
        if (!isTypeName(value))
        {
            throw node.error("expected a fully qualified type name (e.g. java.lang.String or byte[]), got '" + value + "'");
        }
        return value;
    }

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*} */
    static boolean isIdentifier(final String value)
    {
        if (value.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            final boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9'))
            {
                return false;
            }
        }
        return true;
    }

    /** {@code [\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*(\[])*} */
    static boolean isTypeName(final String value)
    {
        int end = value.length();
        while (end >= 2 && value.charAt(end - 2) == '[' && value.charAt(end - 1) == ']')
        {
            end -= 2;
        }
        boolean segmentStart = true;
        for (int i = 0; i < end; )
        {
            final int c = value.codePointAt(i);
            if (c == '.')
            {
                if (segmentStart)
                {
                    return false;
                }
                segmentStart = true;
            }
            else if (Character.isLetter(c) || c == '_' || c == '$' || (!segmentStart && isNumber(c)))
            {
                segmentStart = false;
            }
            else
            {
                return false;
            }
            i += Character.charCount(c);
        }
        return !segmentStart;
    }

    /** {@code [\p{L}\p{N}_$.*?\[\]]+} */
    static boolean isTypeNameGlob(final String value)
    {
        if (value.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < value.length(); )
        {
            final int c = value.codePointAt(i);
            if (!(Character.isLetter(c) || isNumber(c) || c == '_' || c == '$' || c == '.' || c == '*' || c == '?' ||
                c == '[' || c == ']'))
            {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    /** {@code \p{N}}: decimal digit, letter and other numbers. */
    private static boolean isNumber(final int codePoint)
    {
        final int type = Character.getType(codePoint);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }
}
