package io.netpersona.learn.classify;

import io.netpersona.model.TrafficClass;
import java.util.Map;

/**
 * nDPI's categories as the project's traffic classes: the same mapping as shared/data/traffic-classes.csv
 * (a test holds the two together). Categories without a class (IoT-Scada, Mining, Malware, ...) give null.
 */
final class Categories {
    private Categories() {
    }

    private static final Map<String, TrafficClass> CLASSES = Map.ofEntries(
            Map.entry("Game", TrafficClass.REALTIME), Map.entry("VoIP", TrafficClass.REALTIME),
            Map.entry("Video", TrafficClass.STREAMING), Map.entry("Streaming", TrafficClass.STREAMING),
            Map.entry("Music", TrafficClass.STREAMING), Map.entry("Media", TrafficClass.STREAMING),
            Map.entry("Web", TrafficClass.INTERACTIVE), Map.entry("SocialNetwork", TrafficClass.INTERACTIVE),
            Map.entry("Shopping", TrafficClass.INTERACTIVE), Map.entry("Advertisement", TrafficClass.INTERACTIVE),
            Map.entry("Cloud", TrafficClass.INTERACTIVE), Map.entry("Collaborative", TrafficClass.INTERACTIVE),
            Map.entry("RemoteAccess", TrafficClass.INTERACTIVE), Map.entry("ConnCheck", TrafficClass.INTERACTIVE),
            Map.entry("VirtAssistant", TrafficClass.INTERACTIVE), Map.entry("Database", TrafficClass.TRANSACTIONAL),
            Map.entry("RPC", TrafficClass.TRANSACTIONAL), Map.entry("Download", TrafficClass.BULK),
            Map.entry("DataTransfer", TrafficClass.BULK), Map.entry("SoftwareUpdate", TrafficClass.BULK),
            Map.entry("Network", TrafficClass.CONTROL), Map.entry("System", TrafficClass.CONTROL),
            Map.entry("Chat", TrafficClass.MESSAGING), Map.entry("Email", TrafficClass.MESSAGING),
            Map.entry("VPN", TrafficClass.TUNNEL));

    static TrafficClass trafficClass(String category) {
        return CLASSES.get(category);
    }

    static Map<String, TrafficClass> all() {
        return CLASSES;
    }
}
