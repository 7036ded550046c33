package io.facestream.gallery.rest;

import io.facestream.events.domain.Centroid;
import io.facestream.gallery.rest.Views.VersionView;
import io.facestream.gallery.service.GalleryIndex;
import io.facestream.gallery.service.GalleryQueries;
import io.facestream.gallery.service.VersionGallery;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** The model versions in the gallery. */
@Path("/versions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "versions")
public class VersionResource {

    @Inject
    StoreAccess stores;
    @Inject
    GalleryIndex index;

    @GET
    @Operation(summary = "Every model version: people, enrolment images, dimension and the threshold in force")
    @APIResponse(responseCode = "200", description = "versions in name order")
    @APIResponse(responseCode = "503", description = "stores not queryable yet; see Retry-After")
    public List<VersionView> versions() {
        ReadOnlyKeyValueStore<String, Centroid> centroids = stores.centroids();
        List<VersionView> out = new ArrayList<>();
        for (String version : GalleryQueries.versions(centroids)) {
            VersionGallery g = index.gallery(version, centroids);
            out.add(new VersionView(version, g.size(), g.enrollmentImages(), g.dimension(), g.threshold()));
        }
        return out;
    }
}
