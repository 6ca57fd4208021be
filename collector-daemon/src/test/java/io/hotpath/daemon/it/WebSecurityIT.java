package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.daemon.Daemon;
import io.hotpath.daemon.config.ConfigLoader;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.testkit.PrometheusServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hotpathd's listener with web.config-file (exporter-toolkit format): TLS with a self-signed
 * certificate made by openssl, basic auth with a bcrypt hash; a real Prometheus scrapes it over
 * TLS with the right password (up 1) and with a wrong one (up 0).
 */
class WebSecurityIT
{
    private static final String PASSWORD = "s3cret-scrape";

    @TempDir
    Path temp;

    @Test
    void prometheusScrapesOverTlsWithBasicAuthAndWrongCredentialsAreRefused() throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        final Process openssl = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", temp.resolve("key.pem").toString(), "-out", temp.resolve("cert.pem").toString(), "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
            .redirectErrorStream(true).redirectOutput(temp.resolve("openssl.log").toFile()).start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, Files.readString(temp.resolve("openssl.log")));
        final String hash = BCrypt.withDefaults().hashToString(10, PASSWORD.toCharArray());
        final Path web = Files.writeString(temp.resolve("web.yaml"), """
            tls_server_config:
              cert_file: cert.pem
              key_file: key.pem
            basic_auth_users:
              prometheus: '%s'
            """.formatted(hash));

        final DaemonConfig config = ConfigLoader.parse("""
            listen: 127.0.0.1:0
            spool: {dir: '%s'}
            state: {dir: '%s'}
            web: {config-file: '%s'}
            """.formatted(temp.resolve("spool"), temp.resolve("state"), web), "hotpathd.yaml");
        final Daemon daemon = new Daemon(config);
        daemon.start();
        try
        {
            final String url = "https://127.0.0.1:" + daemon.address().getPort() + "/metrics";
            final HttpClient client = HttpClient.newBuilder().sslContext(trusting(temp.resolve("cert.pem")))
                .connectTimeout(Duration.ofSeconds(5)).build();
            final HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), anonymous.headers().toString());
            assertEquals(401, client.send(withAuth(url, "prometheus", "wrong"), HttpResponse.BodyHandlers.ofString()).statusCode());
            // Authenticated: served once the start-up catch-up is over (503 until then: RestartCatchUp).
            final long deadline = System.nanoTime() + 20_000_000_000L; // /metrics is rendered once a second
            HttpResponse<String> ok = client.send(withAuth(url, "prometheus", PASSWORD), HttpResponse.BodyHandlers.ofString());
            while (ok.statusCode() == 503 && System.nanoTime() < deadline)
            {
                Thread.sleep(200);
                ok = client.send(withAuth(url, "prometheus", PASSWORD), HttpResponse.BodyHandlers.ofString());
            }
            assertEquals(200, ok.statusCode());
            while (!ok.body().contains("hotpath_daemon_http_auth_failures_total 2") && System.nanoTime() < deadline)
            {
                Thread.sleep(200);
                ok = client.send(withAuth(url, "prometheus", PASSWORD), HttpResponse.BodyHandlers.ofString());
            }
            assertTrue(ok.body().contains("hotpath_daemon_http_auth_failures_total 2"), ok.body());
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + daemon.address().getPort() + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()), "plain HTTP gets no answer");

            assumeTrue(PrometheusServer.available(), "prometheus not installed");
            final String target = "127.0.0.1:" + daemon.address().getPort();
            try (PrometheusServer prometheus = PrometheusServer.startWithScrapeConfigs(temp.resolve("prometheus"), """
                  - job_name: hotpathd
                    scheme: https
                    tls_config: {ca_file: %1$s}
                    basic_auth: {username: prometheus, password: %2$s}
                    static_configs: [{targets: ['%3$s']}]
                  - job_name: wrong-password
                    scheme: https
                    tls_config: {ca_file: %1$s}
                    basic_auth: {username: prometheus, password: nope}
                    static_configs: [{targets: ['%3$s']}]
                """.formatted(temp.resolve("cert.pem"), PASSWORD, target)))
            {
                final JsonNode up = prometheus.awaitQuery("up{job=\"hotpathd\"} == 1", r -> r.size() == 1, Duration.ofSeconds(60));
                assertEquals(1, up.size());
                prometheus.awaitQuery("up{job=\"wrong-password\"} == 0", r -> r.size() == 1, Duration.ofSeconds(60));
                prometheus.awaitQuery("hotpath_daemon_series{job=\"hotpathd\"}", r -> r.size() == 1, Duration.ofSeconds(60));
            }
        }
        finally
        {
            daemon.stop();
        }
    }

    private static HttpRequest withAuth(final String url, final String user, final String password)
    {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic "
            + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))).build();
    }

    private static SSLContext trusting(final Path certificate) throws Exception
    {
        final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificate))
        {
            store.setCertificateEntry("hotpathd", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
