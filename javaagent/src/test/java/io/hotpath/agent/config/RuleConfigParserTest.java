package io.hotpath.agent.config;

import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.wire.MetricKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

class RuleConfigParserTest
{
    @Test
    void parsesAFullRule() throws Exception
    {
        final List<RuleDefinition> rules = RuleConfigParser.parse("r.yaml", String.join("\n",
            "rules:",
            "  - type: { name: com.example.TransportManager }",
            "    method: { name: sendMessage, parameters: [\"byte[]\", com.example.TransportType] }",
            "    metric: transport_send",
            "    kind: transport",
            "    labels:",
            "      app: demo",
            "      transport: { arg: 1, max_values: 8, allowed: [QUIC, BITCHAT] }",
            "    size: { arg: 0 }",
            "    failure_on: false",
            "    max_series: 16",
            "  - type: { name_pattern: \"com.example.**Service\", subtype_of: com.example.Api }",
            "    method: run",
            "    metric: run",
            "    size: return",
            "    failure_on: null",
            "    async: true"));
        assertEquals(2, rules.size());
        final RuleDefinition first = rules.get(0);
        assertEquals("com.example.TransportManager", first.typeName());
        assertEquals(List.of("byte[]", "com.example.TransportType"), first.parameterTypes());
        assertEquals(MetricKind.TRANSPORT, first.kind());
        assertEquals(Map.of("app", "demo"), first.staticLabels());
        assertEquals(new RuleDefinition.LabelArgument("transport", 1, 8, List.of("QUIC", "BITCHAT")), first.labelArguments().get(0));
        assertEquals(0, first.sizeArgument());
        assertEquals(HotpathBridge.FAILURE_ON_FALSE, first.failureOn());
        assertNull(first.async());
        assertEquals(16, first.maxSeries());
        assertEquals("r.yaml:2:5", first.source());

        final RuleDefinition second = rules.get(1);
        assertNull(second.typeName());
        assertEquals("com.example.**Service", second.typePattern());
        assertEquals("com.example.Api", second.subtypeOf());
        assertNull(second.parameterTypes());
        assertEquals(MetricKind.CUSTOM, second.kind());
        assertTrue(second.sizeFromReturn());
        assertEquals(HotpathBridge.FAILURE_ON_NULL, second.failureOn());
        assertEquals(Boolean.TRUE, second.async());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing method|rules:\\n  - type: A\\n    metric: m|r.yaml:2:5: rules[0].method: missing required field",
        "bad kind|rules:\\n  - type: A\\n    method: m\\n    metric: m\\n    kind: fast|r.yaml:5:11: rules[0].kind: expected one of transport, p2p, migration, custom, got 'fast'",
        "bad metric|rules:\\n  - type: A\\n    method: m\\n    metric: 9lives|r.yaml:4:13: rules[0].metric: expected a metric name matching [a-zA-Z_][a-zA-Z0-9_]*, got '9lives'",
        "unknown field|rules:\\n  - type: A\\n    method: m\\n    metric: m\\n    colour: red|r.yaml:5:5: rules[0].colour: unknown field; expected one of [async, failure-on, kind, labels, max-series, method, metric, name, size, status-class, type]",
        "arg not a number|rules:\\n  - type: A\\n    method: m\\n    metric: m\\n    labels: { t: { arg: one } }|r.yaml:5:25: rules[0].labels.t.arg: expected a non-negative integer, got 'one'",
        "reserved label|rules:\\n  - type: A\\n    method: m\\n    metric: m\\n    labels: { outcome: x }|r.yaml:5:15: rules[0].labels.outcome: 'outcome' is reserved by hotpath; choose another label name",
        "failure_on true|rules:\\n  - type: A\\n    method: m\\n    metric: m\\n    failure_on: true|r.yaml:5:17: rules[0].failure_on: expected false or null, got 'true'",
        "name and pattern|rules:\\n  - type: { name: A, name_pattern: 'B*' }\\n    method: m\\n    metric: m|r.yaml:2:11: rules[0].type: 'name' matches one type exactly and cannot be combined with name-pattern or subtype-of",
        "rules not a list|rules: yes|r.yaml:1:8: rules: expected a list of rules, got 'yes'",
        "syntax error|rules:\\n  - type: [A\\n    method: m|r.yaml:3:11: YAML syntax error",
        "too many arg labels|rules:\\n  - type: A\\n    method: m\\n    metric: m\\n    labels: { a: {arg: 0}, b: {arg: 1}, c: {arg: 2}, d: {arg: 3} }|r.yaml:5:13: rules[0].labels: at most 3 labels may come from arguments, got 4",
    })
    void errorsNameFileLineFieldAndWhatWasExpected(final String name, final String yaml, final String expected)
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RuleConfigParser.parse("r.yaml", yaml.replace("\\n", "\n")));
        assertTrue(e.getMessage().startsWith(expected), () -> "got: " + e.getMessage());
    }

    @Test
    void unreadableFileIsAConfigError()
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> RuleConfigParser.parse(Path.of("/nonexistent/rules.yaml")));
        assertTrue(e.getMessage().startsWith("/nonexistent/rules.yaml: cannot read the rules file"), e.getMessage());
    }

    @Test
    void theDemoRulesParse() throws Exception
    {
        final Path demo = Path.of("..", "demo-service", "hotpath-demo-rules.yaml");
        if (Files.exists(demo))
        {
            assertEquals(6, RuleConfigParser.parse(demo).size());
        }
    }

    @Test
    void emptyDocumentHasNoRules() throws Exception
    {
        assertEquals(List.of(), RuleConfigParser.parse("r.yaml", "# nothing\n"));
        assertEquals(List.of(), RuleConfigParser.parse("r.yaml", "rules:\n"));
    }

    @Test
    void anUnquotedArrayTypeInAFlowListGetsTheQuotingHint()
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> RuleConfigParser.parse("r.yaml",
            "rules:\n  - type: A\n    method: { name: send, parameters: [byte[], com.example.T] }\n    metric: m\n"));
        assertTrue(e.getMessage().startsWith("r.yaml:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("YAML syntax error"), e.getMessage());
        assertTrue(e.getMessage().contains("array types must be quoted in flow lists, e.g. parameters: [\"byte[]\"]"), e.getMessage());
        // quoted, it parses
        assertDoesNotThrow(() -> RuleConfigParser.parse("r.yaml",
            "rules:\n  - type: A\n    method: { name: send, parameters: [\"byte[]\", com.example.T] }\n    metric: m\n"));
    }

    @Test
    void statusClassIsParsedWithItsErrorThreshold() throws Exception
    {
        final List<RuleDefinition> rules = RuleConfigParser.parse("r.yaml", "rules:\n" +
            "  - { type: A, method: a, metric: m, status_class: true }\n" +
            "  - { type: A, method: b, metric: m, status_class: { error_from: 400 } }\n" +
            "  - { type: A, method: c, metric: m, status_class: { error_from: none } }\n" +
            "  - { type: A, method: d, metric: m, status_class: false }\n" +
            "  - { type: A, method: e, metric: m }\n");
        assertEquals(List.of(500, 400, 0, RuleDefinition.NO_HTTP_STATUS, RuleDefinition.NO_HTTP_STATUS),
            rules.stream().map(RuleDefinition::httpStatus).toList());
        final ConfigException e = assertThrows(ConfigException.class, () -> RuleConfigParser.parse("r.yaml",
            "rules:\n  - { type: A, method: a, metric: m, status_class: { error_from: 700 } }\n"));
        assertTrue(e.getMessage().startsWith("r.yaml:2:") && e.getMessage().contains("rules[0].status_class.error_from: expected an HTTP status"),
            e.getMessage());
    }

    /** Keys are kebab-case; the snake_case spellings of earlier releases still read the same, with one warning per line. */
    @Test
    void snakeCaseKeysReadAsKebabCaseWithOneWarningPerLine() throws Exception
    {
        final String kebab = String.join("\n",
            "rules:",
            "  - type: { name-pattern: \"com.example.**Service\", subtype-of: com.example.Api }",
            "    method: send",
            "    metric: m",
            "    labels: { peer: { arg: 0, max-values: 4 }, status_code: x }",
            "    failure-on: false",
            "    max-series: 16",
            "    status-class: { error-from: 400 }",
            "");
        final String snake = kebab.replace("name-pattern", "name_pattern").replace("subtype-of", "subtype_of")
            .replace("max-values", "max_values").replace("failure-on", "failure_on").replace("max-series", "max_series")
            .replace("status-class", "status_class").replace("error-from", "error_from");
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final List<RuleDefinition> fromKebab;
        final List<RuleDefinition> fromSnake;
        try
        {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            fromKebab = RuleConfigParser.parse("kebab.yaml", kebab);
            fromSnake = RuleConfigParser.parse("snake.yaml", snake);
            RuleConfigParser.parse("snake.yaml", snake);
        }
        finally
        {
            System.setErr(stderr);
        }
        assertEquals(fromKebab.toString().replace("kebab.yaml", "x"), fromSnake.toString().replace("snake.yaml", "x"));
        assertEquals(Map.of("status_code", "x"), fromSnake.get(0).staticLabels(), "label names are not keys: kept as written");
        final String warnings = captured.toString(StandardCharsets.UTF_8);
        assertTrue(!warnings.contains("kebab.yaml"), warnings);
        assertTrue(warnings.contains("snake.yaml:5:") && warnings.contains("'max_values' is the old spelling of 'max-values'"), warnings);
        assertTrue(warnings.contains("snake.yaml:8:") && warnings.contains("'error_from' is the old spelling of 'error-from'"), warnings);
        assertEquals(7, warnings.lines().filter(l -> l.contains("old spelling")).count(), "one warning per key, not per parse: " + warnings);
    }
}
