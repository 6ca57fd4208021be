package io.hotpath.daemon.remotewrite;

import io.hotpath.daemon.config.RemoteWriteEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.nio.file.Path;

/** The JDK HTTP client of an endpoint, with its TLS settings (PEM CA, PEM client certificate + PKCS#8 key). */
final class HttpClients
{
    private HttpClients()
    {
    }

    static HttpClient build(final RemoteWriteEndpoint endpoint) throws IOException
    {
        final HttpClient.Builder builder = HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(Math.min(endpoint.timeoutMillis(), 10_000)))
            .version(HttpClient.Version.HTTP_1_1);
        if (endpoint.caFile() != null || endpoint.certFile() != null || endpoint.insecureSkipVerify())
        {
            try
            {
                builder.sslContext(sslContext(endpoint));
            }
            catch (final GeneralSecurityException e)
            {
                throw new IOException("remote-write " + endpoint.url() + ": bad TLS settings: " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    private static SSLContext sslContext(final RemoteWriteEndpoint endpoint) throws IOException, GeneralSecurityException
    {
        TrustManager[] trust = null;
        if (endpoint.insecureSkipVerify())
        {
            trust = new TrustManager[] { new X509TrustManager()
            {
                @Override
                public void checkClientTrusted(final X509Certificate[] chain, final String authType)
                {
                }

                @Override
                public void checkServerTrusted(final X509Certificate[] chain, final String authType)
                {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers()
                {
                    return new X509Certificate[0];
                }
            } };
        }
        else if (endpoint.caFile() != null)
        {
            final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (final Certificate certificate : certificates(endpoint.caFile()))
            {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            trust = factory.getTrustManagers();
        }
        javax.net.ssl.KeyManager[] keys = null;
        if (endpoint.certFile() != null)
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", privateKey(endpoint), new char[0],
                certificates(endpoint.certFile()).toArray(new Certificate[0]));
            final KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, new char[0]);
            keys = factory.getKeyManagers();
        }
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust, null);
        return context;
    }

    private static Collection<? extends Certificate> certificates(final Path file) throws IOException, GeneralSecurityException
    {
        try (InputStream in = Files.newInputStream(file))
        {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static PrivateKey privateKey(final RemoteWriteEndpoint endpoint) throws IOException, GeneralSecurityException
    {
        final String pem = Files.readString(endpoint.keyFile());
        if (!pem.contains("BEGIN PRIVATE KEY"))
        {
            throw new GeneralSecurityException(endpoint.keyFile() + ": expected a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert with openssl pkcs8 -topk8 -nocrypt");
        }
        final String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        final PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (final String algorithm : new String[] { "RSA", "EC", "Ed25519" })
        {
            try
            {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            }
            catch (final GeneralSecurityException e)
            {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException(endpoint.keyFile() + ": not an RSA, EC or Ed25519 key");
    }
}
