package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;
import io.hotpath.daemon.config.syntax.Urls;
import io.hotpath.wire.config.Sizes;
import io.hotpath.wire.config.Durations;
import com.fasterxml.jackson.annotation.JsonSetter;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code remote-write:} entry (Prometheus' {@code remote_write} spelling is accepted too): where
 * hotpathd sends its series every second (Remote-Write 1.0: protobuf + snappy), how it authenticates,
 * and how much it keeps on disk while the receiver is away.
 *
 * <pre>
 * remote-write:
 *   - url: https://mimir.example:9009/api/v1/push
 *     headers: { X-Scope-OrgID: team-a }
 *     bearer-token-file: /etc/hotpath/token        # or basic-auth: { username: u, password-file: /etc/hotpath/pw }
 *     tls: { ca-file: /etc/hotpath/ca.pem, cert-file: …, key-file: …, insecure-skip-verify: false }
 *     external-labels: { instance: host-17 }       # default: instance = the host name
 *     timeout: 30s
 *     max-backlog: 1GiB                            # on disk, under state.dir/remote-write/
 *     max-samples-per-send: 5000
 *     quantile-windows: [1s]                       # the quantile gauges sent; [] for none
 * </pre>
 */
public final class RemoteWriteEndpoint
{
    private URI url;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Path bearerTokenFile;
    private String basicAuthUser;
    private String basicAuthPassword;
    private Path basicAuthPasswordFile;
    private Path caFile;
    private Path certFile;
    private Path keyFile;
    private boolean insecureSkipVerify;
    private final Map<String, String> externalLabels = new LinkedHashMap<>();
    private long timeoutMillis = 30_000;
    private long maxBacklogBytes = Sizes.bytes("1GiB");
    private int maxSamplesPerSend = 5000;
    private List<String> quantileWindows = List.of("1s");
    private long minBackoffMillis = 100;
    private long maxBackoffMillis = 5_000;

    public URI url()
    {
        return url;
    }

    public void setUrl(final String value)
    {
        url = Urls.httpUrl(value, "http://127.0.0.1:9090/api/v1/write");
    }

    public Map<String, String> headers()
    {
        return headers;
    }

    public void setHeaders(final Map<String, String> value)
    {
        headers.clear();
        headers.putAll(value);
    }

    public Path bearerTokenFile()
    {
        return bearerTokenFile;
    }

    public void setBearerTokenFile(final String value)
    {
        bearerTokenFile = Path.of(value);
    }

    @JsonSetter("basic-auth")
    public void setBasicAuth(final Map<String, String> value)
    {
        for (final Map.Entry<String, String> entry : value.entrySet())
        {
            switch (entry.getKey())
            {
                case "username": basicAuthUser = entry.getValue(); break;
                case "password": basicAuthPassword = entry.getValue(); break;
                case "password-file": case "password_file": basicAuthPasswordFile = Path.of(entry.getValue()); break;
                default: throw new IllegalArgumentException("unknown basic-auth key '" + entry.getKey() +
                    "' (expected username, password or password-file)");
            }
        }
        if (basicAuthUser == null)
        {
            throw new IllegalArgumentException("basic-auth needs a username");
        }
    }

    public String basicAuthUser()
    {
        return basicAuthUser;
    }

    public String basicAuthPassword()
    {
        return basicAuthPassword;
    }

    public Path basicAuthPasswordFile()
    {
        return basicAuthPasswordFile;
    }

    public void setTls(final Map<String, Object> value)
    {
        for (final Map.Entry<String, Object> entry : value.entrySet())
        {
            final String text = String.valueOf(entry.getValue());
            switch (entry.getKey())
            {
                case "ca-file": case "ca_file": caFile = Path.of(text); break;
                case "cert-file": case "cert_file": certFile = Path.of(text); break;
                case "key-file": case "key_file": keyFile = Path.of(text); break;
                case "insecure-skip-verify": case "insecure_skip_verify":
                    if (!"true".equals(text) && !"false".equals(text))
                    {
                        throw new IllegalArgumentException("tls.insecure-skip-verify: expected true or false, got '" + text + "'");
                    }
                    insecureSkipVerify = Boolean.parseBoolean(text);
                    break;
                default: throw new IllegalArgumentException("unknown tls key '" + entry.getKey() +
                    "' (expected ca-file, cert-file, key-file or insecure-skip-verify)");
            }
        }
        if ((certFile == null) != (keyFile == null))
        {
            throw new IllegalArgumentException("tls: cert-file and key-file go together");
        }
    }

    public Path caFile()
    {
        return caFile;
    }

    public Path certFile()
    {
        return certFile;
    }

    public Path keyFile()
    {
        return keyFile;
    }

    public boolean insecureSkipVerify()
    {
        return insecureSkipVerify;
    }

    public Map<String, String> externalLabels()
    {
        return externalLabels;
    }

    public void setExternalLabels(final Map<String, String> value)
    {
        for (final String key : value.keySet())
        {
            if (!key.matches("[a-zA-Z_][a-zA-Z0-9_]*") || key.startsWith("__"))
            {
                throw new IllegalArgumentException("external label '" + key + "' is not a valid label name");
            }
        }
        externalLabels.clear();
        externalLabels.putAll(value);
    }

    public long timeoutMillis()
    {
        return timeoutMillis;
    }

    public void setTimeout(final String value)
    {
        timeoutMillis = Checks.positive(Durations.millis(value));
    }

    public long maxBacklogBytes()
    {
        return maxBacklogBytes;
    }

    public void setMaxBacklog(final String value)
    {
        maxBacklogBytes = Checks.positive(Sizes.bytes(value));
    }

    public int maxSamplesPerSend()
    {
        return maxSamplesPerSend;
    }

    public void setMaxSamplesPerSend(final int value)
    {
        maxSamplesPerSend = (int)Checks.positive(value);
    }

    public List<String> quantileWindows()
    {
        return quantileWindows;
    }

    public void setQuantileWindows(final List<String> value)
    {
        for (final String window : value)
        {
            if (!List.of("1s", "1m", "5m", "15m", "1h").contains(window))
            {
                throw new IllegalArgumentException("quantile window '" + window + "': expected some of 1s, 1m, 5m, 15m, 1h");
            }
        }
        quantileWindows = List.copyOf(value);
    }

    public long minBackoffMillis()
    {
        return minBackoffMillis;
    }

    public void setMinBackoff(final String value)
    {
        minBackoffMillis = Checks.positive(Durations.millis(value));
    }

    public long maxBackoffMillis()
    {
        return maxBackoffMillis;
    }

    public void setMaxBackoff(final String value)
    {
        maxBackoffMillis = Checks.positive(Durations.millis(value));
    }

    /** Checks what single setters cannot (called by the daemon before start). */
    public void validate()
    {
        if (url == null)
        {
            throw new IllegalArgumentException("remote-write: every entry needs a url");
        }
    }
}
