package io.hotpath.daemon;

import io.hotpath.daemon.systemd.SystemdSupervisor;
import io.hotpath.daemon.tail.SpoolTailers;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** What systemd's supervisor watches of a running {@link Daemon} (here, so that systemd/ does not depend on the daemon). */
final class DaemonSupervision
{
    private DaemonSupervision()
    {
    }

    /** The status line: address, queues and series, e.g. {@code serving http://127.0.0.1:9464; 3 queues tailed, 1 finished; 12 series}. */
    static SystemdSupervisor.Supervised of(final Daemon daemon)
    {
        return new SystemdSupervisor.Supervised()
        {
            @Override
            public boolean awaitTailing(final long timeout, final TimeUnit unit) throws InterruptedException
            {
                return daemon.awaitSpoolTailed(timeout, unit);
            }

            @Override
            public long progress()
            {
                return daemon.latestSnapshot().rotatedAtEpochMillis();
            }

            @Override
            public String status()
            {
                final InetSocketAddress address = daemon.address();
                int tailed = 0;
                int finished = 0;
                int refused = 0;
                double maxLag = 0;
                for (final SpoolTailers.QueueStatus queue : daemon.queueStatuses())
                {
                    tailed += queue.active() ? 1 : 0;
                    finished += queue.finished() ? 1 : 0;
                    refused += queue.problem() != null ? 1 : 0;
                    maxLag = Math.max(maxLag, queue.lagSeconds());
                }
                return SystemdSupervisor.statusLine(address.getHostString() + ":" + address.getPort(), tailed, finished, refused,
                    daemon.latestSnapshot().series().size(), maxLag);
            }
        };
    }
}
