package io.hotpath.daemon.expose.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.syntax.YamlTree;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listener's TLS and authentication, from a file in the format of Prometheus exporters'
 * {@code --web.config.file} (exporter-toolkit), so the same file and the same Prometheus
 * {@code scrape_config} work for hotpathd:
 *
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt          # PEM; relative paths are relative to this file
 *   key_file: server.key           # PEM, PKCS#8 ("BEGIN PRIVATE KEY")
 *   client_ca_file: ca.crt         # optional: verify client certificates against it
 *   client_auth_type: RequireAndVerifyClientCert   # or NoClientCert (default), RequestClientCert,
 *                                                  # VerifyClientCertIfGiven, RequireAnyClientCert
 * basic_auth_users:
 *   prometheus: $2y$10$...         # bcrypt hash (htpasswd -nBC 10 "" | tr -d ':\n')
 * </pre>
 *
 * Loaded (certificates and key included) when the daemon's config is, so a mistake stops the start
 * with the file and the field. TLS uses the JDK's provider.
 */
public final class WebConfig
{
    private static final ObjectMapper BINDER = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final Path file;
    private final SslContext sslContext;
    private final Map<String, String> users;

    private WebConfig(final Path file, final SslContext sslContext, final Map<String, String> users)
    {
        this.file = file;
        this.sslContext = sslContext;
        this.users = users;
    }

    /** Neither TLS nor authentication (no file). */
    public static final WebConfig NONE = new WebConfig(null, null, Map.of());

    /** The file's shape (exporter-toolkit's keys). */
    static final class FileModel
    {
        @JsonProperty("tls_server_config")
        Tls tls;
        @JsonProperty("basic_auth_users")
        Map<String, String> basicAuthUsers = new LinkedHashMap<>();
        @JsonProperty("http_server_config")
        Map<String, Object> httpServerConfig;
    }

    static final class Tls
    {
        @JsonProperty(value = "cert_file", required = true)
        String certFile;
        @JsonProperty(value = "key_file", required = true)
        String keyFile;
        @JsonProperty("client_ca_file")
        String clientCaFile;
        @JsonProperty("client_auth_type")
        String clientAuthType = "NoClientCert";
        @JsonProperty("min_version")
        String minVersion;
        @JsonProperty("cipher_suites")
        List<String> cipherSuites;
    }

    public static WebConfig load(final Path file)
    {
        final FileModel model;
        YamlTree tree = null;
        try
        {
            tree = YamlTree.parse(Files.readString(file), file.toString());
            model = tree.isEmpty() ? null : BINDER.treeToValue(tree.toJson(), FileModel.class);
        }
        catch (final ConfigException e)
        {
            throw new IllegalArgumentException(e.getMessage());
        }
        catch (final JsonMappingException e)
        {
            final List<Object> path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? (Object)r.getFieldName() : (Object)r.getIndex()).toList();
            throw new IllegalArgumentException(tree.where(path, e instanceof UnrecognizedPropertyException) + e.getOriginalMessage()
                + " (keys: tls_server_config.cert_file/key_file/client_ca_file/client_auth_type/min_version, basic_auth_users)");
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException(file + ": cannot read the web config: " + e.getMessage());
        }
        if (model == null)
        {
            return new WebConfig(file, null, Map.of());
        }
        for (final Map.Entry<String, String> user : model.basicAuthUsers.entrySet())
        {
            if (user.getValue() == null || !user.getValue().matches("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}"))
            {
                throw new IllegalArgumentException(file + ": basic_auth_users." + user.getKey()
                    + ": expected a bcrypt hash such as $2y$10$... (htpasswd -nBC 10 \"\" | tr -d ':\\n')");
            }
        }
        return new WebConfig(file, model.tls == null ? null : sslContext(file, model.tls), Map.copyOf(model.basicAuthUsers));
    }

    private static SslContext sslContext(final Path file, final Tls tls)
    {
        final Path base = file.toAbsolutePath().getParent();
        final Path cert = base.resolve(tls.certFile);
        final Path key = base.resolve(tls.keyFile);
        final ClientAuth clientAuth = switch (tls.clientAuthType)
        {
            case "NoClientCert" -> ClientAuth.NONE;
            case "RequestClientCert", "VerifyClientCertIfGiven" -> ClientAuth.OPTIONAL;
            case "RequireAnyClientCert", "RequireAndVerifyClientCert" -> ClientAuth.REQUIRE;
            default -> throw new IllegalArgumentException(file + ": tls_server_config.client_auth_type: expected NoClientCert, "
                + "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert, got '"
                + tls.clientAuthType + "'");
        };
        if (clientAuth != ClientAuth.NONE && tls.clientCaFile == null)
        {
            throw new IllegalArgumentException(file + ": tls_server_config.client_auth_type " + tls.clientAuthType
                + " needs client_ca_file");
        }
        try
        {
            final SslContextBuilder builder = SslContextBuilder.forServer(cert.toFile(), key.toFile())
                .sslProvider(SslProvider.JDK)
                .clientAuth(clientAuth);
            if (tls.clientCaFile != null)
            {
                builder.trustManager(base.resolve(tls.clientCaFile).toFile());
            }
            if (tls.minVersion != null)
            {
                builder.protocols(switch (tls.minVersion)
                {
                    case "TLS12" -> new String[] { "TLSv1.3", "TLSv1.2" };
                    case "TLS13" -> new String[] { "TLSv1.3" };
                    default -> throw new IllegalArgumentException(file + ": tls_server_config.min_version: expected TLS12 or TLS13, got '"
                        + tls.minVersion + "'");
                });
            }
            if (tls.cipherSuites != null)
            {
                builder.ciphers(tls.cipherSuites);
            }
            return builder.build();
        }
        catch (final IOException | RuntimeException e)
        {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith(file.toString()))
            {
                throw (IllegalArgumentException)e;
            }
            throw new IllegalArgumentException(file + ": tls_server_config: cannot use certificate " + cert + " with key " + key
                + " (PEM; the key in PKCS#8, \"BEGIN PRIVATE KEY\"): " + e.getMessage());
        }
    }

    public Path file()
    {
        return file;
    }

    /** The server's TLS context, or null: plain HTTP. */
    public SslContext sslContext()
    {
        return sslContext;
    }

    /** User name to bcrypt hash; empty: no authentication. */
    public Map<String, String> users()
    {
        return users;
    }

    public boolean tls()
    {
        return sslContext != null;
    }

    public boolean authentication()
    {
        return !users.isEmpty();
    }
}
