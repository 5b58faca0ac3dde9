package dev.imageclassifier.serve;

import dev.imageclassifier.TestImages;
import dev.imageclassifier.serve.MultipartBody;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QueueFullTest {

    @Test
    void a_full_queue_answers_503_with_retry_after_instead_of_growing() {
        try (TestServer api = TestServer.start(settings -> settings.withClassifier(settings.classifier().toBuilder()
                .maxBatchSize(1).maxBatchDelay(Duration.ZERO).queueCapacity(1).build()))) {
            byte[] image = TestImages.caltech("chandelier");
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                responses.add(api.client.sendAsync(new MultipartBody().file("file", "c.jpg", "image/jpeg", image)
                        .post(api.uri("/predict")).build(), HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int busy = 0;
            for (CompletableFuture<HttpResponse<String>> future : responses) {
                HttpResponse<String> response = future.join();
                if (response.statusCode() == 503) {
                    busy++;
                    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                    assertThat(TestServer.json(response).get("detail").asText()).contains("busy");
                } else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    ok++;
                }
            }
            assertThat(ok).isPositive();
            assertThat(busy).isPositive();
            assertThat(api.get("/metrics").body()).containsPattern("classifier_rejected_total\\{model=\"classifier\"\\} [1-9]");
        }
    }
}
