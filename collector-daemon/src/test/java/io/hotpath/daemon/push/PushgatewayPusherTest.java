package io.hotpath.daemon.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.config.PushConfig;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushgatewayPusherTest
{
    @Test
    void defaultsDoNotCollideWithTheScrapeJobAndCleanUp()
    {
        final PushConfig push = new DaemonConfig().getPush();
        assertEquals("hotpathd_push", push.job());
        assertTrue(push.deleteOnShutdown());
    }

    @Test
    void aFailedPushIsCountedAndExposed() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        final PushConfig push = new DaemonConfig().getPush();
        push.setUrl("http://127.0.0.1:" + port);
        final PushgatewayPusher pusher = new PushgatewayPusher(push);
        pusher.offer(List.of());
        pusher.pushLatest();
        pusher.pushLatest();
        assertEquals(2, pusher.failures());
        assertTrue(pusher.groupingKey().containsKey("instance"));
    }
}
