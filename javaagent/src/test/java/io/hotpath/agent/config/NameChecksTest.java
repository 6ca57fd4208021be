package io.hotpath.agent.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The parser's character checks accept exactly what the regular expressions they replace accept. */
class NameChecksTest
{
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TYPE_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*(\\[])*");
    private static final Pattern TYPE_NAME_GLOB = Pattern.compile("[\\p{L}\\p{N}_$.*?\\[\\]]+");

    @ParameterizedTest
    @ValueSource(strings = {
        "", "a", "_", "$", "1", "a1", "1a", "a_b", "A.B", "a..b", ".a", "a.", "a.1b", "a.b1", "java.lang.String", "byte[]",
        "byte[][]", "byte[", "byte]", "[]", "a.[]", "a[]b", "a[][", "Äpfel.Ölß", "a.\u0661b", "a\u0661", "a\u2160",
        "\u2160a", "a-b", "a b", "com.example.**Manager", "com.*.Foo?", "**", "*", "a$b", "a.$b", "x\uD835\uDC00y",
        "\uD835\uDC00", "a\uD800", "transport_send", "Foo9", "_9", "9_"})
    void characterChecksMatchTheRegularExpressions(final String value)
    {
        assertEquals(IDENTIFIER.matcher(value).matches(), NameChecks.isIdentifier(value), "identifier: " + value);
        assertEquals(TYPE_NAME.matcher(value).matches(), NameChecks.isTypeName(value), "type name: " + value);
        assertEquals(TYPE_NAME_GLOB.matcher(value).matches(), NameChecks.isTypeNameGlob(value), "glob: " + value);
    }
}
