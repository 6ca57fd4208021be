package io.hotpath.agent.launcher;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttachLauncherTest
{
    @Test
    void everySettingAfterThePidIsPassed()
    {
        assertEquals("config=/r.yaml,packs=nio,netty", AttachLauncher.agentArguments(new String[] {"attach", "1", "config=/r.yaml", "packs=nio,netty"}));
        assertEquals("config=/r.yaml,packs=nio", AttachLauncher.agentArguments(new String[] {"attach", "1", "config=/r.yaml,packs=nio"}));
        assertEquals("a=1,b=2", AttachLauncher.agentArguments(new String[] {"attach", "1", "a=1", " ", "b=2 "}));
        assertEquals("", AttachLauncher.agentArguments(new String[] {"attach", "1"}));
    }
}
