package io.hotpath.benchmarks.daemon;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.expose.DaemonRoutes;
import io.hotpath.daemon.expose.ExpositionSettings;
import io.hotpath.daemon.expose.HttpServer;
import io.hotpath.daemon.expose.MetricsRenderer;
import io.hotpath.daemon.expose.Routes;
import io.hotpath.daemon.expose.ScrapeStats;
import io.hotpath.daemon.expose.SeriesMetricFamilies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A real scrape of {@code GET /metrics} over loopback HTTP/1.1 against the daemon's own Netty server
 * and routes ({@link HttpServer}, {@link DaemonRoutes}), 10 000 series rendered as the aggregation
 * thread leaves them: the time a scraper waits, body received (not decompressed: that is the
 * scraper's work). {@code gzip=true} is what Prometheus sends ({@code Accept-Encoding: gzip}); the
 * rendering was compressed once after the rotation, as the daemon's background compressor does.
 * The JDK HTTP client's own cost is included, so this is an upper bound of the server side.
 */
@State(Scope.Benchmark)
public class MetricsScrapeBenchmark extends RenderingBenchmark
{
    @Param({ "10000" })
    int series;

    @Param({ "true", "false" })
    boolean gzip;

    private MetricsRenderer renderer;
    private HttpServer server;
    private HttpClient client;
    private HttpRequest request;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ScrapedBytes
    {
        public long bodyBytes;
    }

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException
    {
        final AggregateSnapshot snapshot = MetricsRenderBenchmark.snapshot(series);
        renderer = new MetricsRenderer(ExpositionSettings.defaults());
        renderer.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS, ExpositionSettings.defaults()));
        renderer.render(snapshot, System.currentTimeMillis());
        renderer.latest().gzipped(false);
        final Routes routes = new DaemonRoutes(renderer, () -> snapshot, List::of, new ScrapeStats(), System::currentTimeMillis)
            .register(new Routes());
        server = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), routes);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final HttpRequest.Builder builder = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics")).GET();
        if (gzip)
        {
            builder.header("Accept-Encoding", "gzip");
        }
        request = builder.build();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        server.close();
        renderer.close();
    }

    @Benchmark
    public int scrape(final ScrapedBytes bytes) throws IOException, InterruptedException
    {
        final HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200)
        {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        bytes.bodyBytes = response.body().length;
        return response.body().length;
    }
}
