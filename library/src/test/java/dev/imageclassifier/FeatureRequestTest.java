package dev.imageclassifier;

import dev.imageclassifier.vision.Augmentation;
import dev.imageclassifier.vision.View;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A feature request travels to a cluster's workers whole: backbone, framing, images and the recipe's views. */
class FeatureRequestTest {

    @Test
    void aSerializedRequestComesBackTheSame() throws Exception {
        List<DatasetSplit.Image> images = List.of(new DatasetSplit.Image("cats/1.jpg", "cats", "train"),
                new DatasetSplit.Image("dogs/ü 2.jpg", "dogs", "val"));
        List<View> views = List.of(View.CENTER, View.augmented(0, 42, Augmentation.TORCHVISION));
        FeatureRequest request = new FeatureRequest(Path.of("/models/backbone.onnx"), "mobilenetv2-int8", Framing.WHOLE,
                Path.of("/data/photos"), images, views, 16);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(request);
        }
        FeatureRequest back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (FeatureRequest) in.readObject();
        }

        assertThat(back.backbone()).isEqualTo(request.backbone());
        assertThat(back.backboneName()).isEqualTo("mobilenetv2-int8");
        assertThat(back.framing()).isEqualTo(Framing.WHOLE);
        assertThat(back.root()).isEqualTo(Path.of("/data/photos"));
        assertThat(back.images()).isEqualTo(images);
        assertThat(back.views(true)).isEqualTo(views);
        assertThat(back.views(false)).containsExactly(View.CENTER);
        assertThat(back.batchSize()).isEqualTo(16);
    }
}
