package io.facestream.gallery.rest;

import io.facestream.gallery.rest.Views.InstanceView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Where the gallery's state lives: every instance of the application. */
@Path("/meta-data")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "meta-data")
public class MetadataResource {

    @Inject
    StoreAccess stores;

    @GET
    @Operation(summary = "Every instance: host, port, stores, active and standby partitions")
    @APIResponse(responseCode = "200", description = "instances by host and port")
    @APIResponse(responseCode = "503", description = "not running or no partitions assigned yet; see Retry-After")
    public List<InstanceView> instances() {
        Optional<HostInfo> self = stores.self();
        return stores.instances().stream()
                .sorted(Comparator.comparing(StreamsMetadata::host).thenComparingInt(StreamsMetadata::port))
                .map(m -> new InstanceView(m.host(), m.port(), self.map(m.hostInfo()::equals).orElse(false),
                        new TreeSet<>(m.stateStoreNames()), names(m.topicPartitions()),
                        names(m.standbyTopicPartitions())))
                .toList();
    }

    private static List<String> names(Collection<TopicPartition> partitions) {
        return partitions.stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .map(TopicPartition::toString)
                .toList();
    }
}
