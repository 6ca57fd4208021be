package io.hotpath.agent.instrument;

import java.util.regex.Pattern;

/**
 * A rule's {@code name_pattern}: a glob over a binary type name, {@code *} within a package
 * segment, {@code **} across segments, {@code ?} one character. Plain Java (no Byte Buddy), so the
 * start-up filter can use it on every class the JVM loads.
 */
final class TypeNameGlob
{
    private final String glob;
    private final Pattern pattern;

    TypeNameGlob(final String glob)
    {
        this.glob = glob;
        final StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++)
        {
            final char c = glob.charAt(i);
            if (c == '*')
            {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*')
                {
                    regex.append(".*");
                    i++;
                }
                else
                {
                    regex.append("[^.]*");
                }
            }
            else if (c == '?')
            {
                regex.append("[^.]");
            }
            else
            {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.pattern = Pattern.compile(regex.toString());
    }

    /** @param binaryName a name such as {@code com.example.Outer$Inner}. */
    boolean matches(final String binaryName)
    {
        return pattern.matcher(binaryName).matches();
    }

    @Override
    public String toString()
    {
        return glob;
    }
}
