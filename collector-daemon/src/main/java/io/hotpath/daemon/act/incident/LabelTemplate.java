package io.hotpath.daemon.act.incident;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code {label}} placeholders of config templates (runbook and dashboard links, action targets) filled from an incident's labels. */
public final class LabelTemplate
{
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z_][a-zA-Z0-9_]*)}");

    private LabelTemplate()
    {
    }

    /** Each placeholder replaced by its label's value (empty when absent); URL-encoded when {@code forUrl}. */
    public static String expand(final String template, final Map<String, String> labels, final boolean forUrl)
    {
        if (template.isEmpty())
        {
            return template;
        }
        final Matcher matcher = PLACEHOLDER.matcher(template);
        final StringBuilder out = new StringBuilder();
        while (matcher.find())
        {
            final String value = labels.getOrDefault(matcher.group(1), "");
            matcher.appendReplacement(out, Matcher.quoteReplacement(forUrl ? URLEncoder.encode(value, StandardCharsets.UTF_8) : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
