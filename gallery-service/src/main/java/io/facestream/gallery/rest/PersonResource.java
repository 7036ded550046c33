package io.facestream.gallery.rest;

import io.facestream.events.Topics;
import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.gallery.domain.CentroidSum;
import io.facestream.gallery.rest.Views.AggregateView;
import io.facestream.gallery.rest.Views.CentroidView;
import io.facestream.gallery.rest.Views.DeletionView;
import io.facestream.gallery.rest.Views.PersonSummary;
import io.facestream.gallery.service.EnrollmentDeletions;
import io.facestream.gallery.service.GalleryQueries;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Enrolled people: listing, centroids, the sums behind them, and deletion. */
@Path("/persons")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "persons")
@APIResponse(responseCode = "503", description = "stores not queryable yet; see Retry-After")
public class PersonResource {

    @Inject
    StoreAccess stores;
    @Inject
    AggregateForwarder forwarder;
    @Inject
    EnrollmentDeletions deletions;

    @GET
    @Operation(summary = "Enrolled people with their image counts, of one model version or of all")
    @APIResponse(responseCode = "200", description = "people sorted by name")
    @APIResponse(responseCode = "404", description = "no such model version")
    public List<PersonSummary> list(@QueryParam("version") String version) {
        ReadOnlyKeyValueStore<String, Centroid> centroids = stores.centroids();
        if (version != null) {
            requireVersionExists(centroids, Names.version(version));
        }
        return GalleryQueries.imageCounts(centroids, version).entrySet().stream()
                .map(e -> new PersonSummary(e.getKey(), e.getValue()))
                .toList();
    }

    @GET
    @Path("/{person}")
    @Operation(summary = "A person's centroid in one model version")
    @APIResponse(responseCode = "200", description = "image count, dimension and the unit vector")
    @APIResponse(responseCode = "400", description = "version missing or a name unusable")
    @APIResponse(responseCode = "404", description = "no such version, or the person is not in it")
    public CentroidView centroid(@PathParam("person") String person, @QueryParam("version") String version) {
        Names.person(person);
        ReadOnlyKeyValueStore<String, Centroid> centroids = stores.centroids();
        if (version == null) {
            throw ApiException.badRequest("query parameter 'version' is required; " + person + " is enrolled in "
                    + GalleryQueries.versionsOf(centroids, person));
        }
        Centroid c = centroids.get(GalleryKeys.of(Names.version(version), person));
        if (c == null) {
            requireVersionExists(centroids, version);
            throw ApiException.notFound("no person '" + person + "' in the gallery of model version '" + version + "'");
        }
        return new CentroidView(c.person(), c.modelVersion(), c.imageCount(), c.dimension(), c.vector());
    }

    @GET
    @Path("/{person}/aggregate")
    @Operation(summary = "The running sum behind a centroid, from the instance whose partition holds it",
            description = "Answered from this instance's store when it owns the key, else relayed from the owner.")
    @APIResponse(responseCode = "200", description = "count, dimension, mean norm and the sum")
    @APIResponse(responseCode = "400", description = "version missing or a name unusable")
    @APIResponse(responseCode = "404", description = "no sum for this person and version")
    public Response aggregate(@PathParam("person") String person, @QueryParam("version") String version,
                              @HeaderParam(AggregateForwarder.FORWARDED_FROM) String forwardedFrom,
                              @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Names.person(person);
        if (version == null) {
            throw ApiException.badRequest("query parameter 'version' is required");
        }
        String key = GalleryKeys.of(Names.version(version), person);
        KeyQueryMetadata owner = stores.ownerOf(key);
        Optional<HostInfo> self = stores.self();
        if (self.isEmpty() || !owner.activeHost().equals(self.get())) {
            if (forwardedFrom != null) {
                throw ApiException.unavailable(forwardedFrom + " sent this here, but " + address(owner.activeHost())
                        + " owns it (partitions are moving); try again shortly");
            }
            return forwarder.forward(owner.activeHost(), self.map(PersonResource::address)
                    .orElse("a gallery instance without partitions"), person, version, authorization);
        }
        CentroidSum sum = stores.sums(owner.partition()).get(key);
        if (sum == null) {
            throw ApiException.notFound("no sum for '" + person + "' in model version '" + version + "'");
        }
        return Response.ok(new AggregateView(sum.person(), sum.modelVersion(), sum.count(), sum.dimension(),
                meanNorm(sum), sum.sum(), owner.partition(), address(self.get()))).build();
    }

    @DELETE
    @Path("/{person}")
    @Operation(summary = "Delete a person from every model version",
            description = "Writes a tombstone (key = person) on faces.enrollments, the source of truth; the "
                    + "embedder forwards it and every version's gallery drops the person shortly after.")
    @APIResponse(responseCode = "202", description = "the deletion is recorded")
    @APIResponse(responseCode = "400", description = "unusable name")
    public Response delete(@PathParam("person") String person) {
        Names.person(person);
        try {
            RecordMetadata written = deletions.delete(person);
            return Response.accepted(new DeletionView(person, written.topic(), written.partition(), written.offset(),
                    "deletion recorded on " + Topics.ENROLLMENTS.name() + "; every model version's gallery drops "
                            + person + " once the embedder has forwarded it")).build();
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("the deletion could not be written to " + Topics.ENROLLMENTS.name()
                    + " (" + e + "); try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while writing the deletion");
        }
    }

    private static void requireVersionExists(ReadOnlyKeyValueStore<String, Centroid> centroids, String version) {
        if (GalleryQueries.firstOf(centroids, version).isEmpty()) {
            throw ApiException.notFound("no model version '" + version + "' in the gallery");
        }
    }

    static String address(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private static double meanNorm(CentroidSum sum) {
        double squares = 0;
        for (double v : sum.sum()) {
            squares += v * v;
        }
        return Math.sqrt(squares) / sum.count();
    }
}
