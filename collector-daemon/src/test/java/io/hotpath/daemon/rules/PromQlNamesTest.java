package io.hotpath.daemon.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;

class PromQlNamesTest
{
    @Test
    void findsMetricNamesAndNothingElse()
    {
        assertEquals(Set.of("hotpath_duration_seconds_bucket"), PromQlNames.of(
            "histogram_quantile(0.99, sum by (service, metric, le) (rate(hotpath_duration_seconds_bucket{service=~\"$service\","
                + "le=~\"0\\\\.1\"}[$__rate_interval])))"));
        assertEquals(Set.of("a_total", "b:c:rate5m", "up"), PromQlNames.of(
            "(sum(rate(a_total{x=\"by (y)\"}[5m] offset 1h)) or vector(0)) / on (slo) group_left (tier) b:c:rate5m "
                + "and up == 0 # comment other_metric"));
        assertEquals(Set.of("named"), PromQlNames.of("{__name__=\"named\", job=\"x\"}"));
        assertEquals(Set.of("m"), PromQlNames.of("m > bool 1e-3 unless m < -Inf"));
        assertEquals(Set.of(), PromQlNames.of("vector(0.99)"));
    }
}
