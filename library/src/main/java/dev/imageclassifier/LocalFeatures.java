package dev.imageclassifier;

import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.Int8Arithmetic;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.train.FeatureCache;
import dev.imageclassifier.train.FeatureExtractor;
import dev.imageclassifier.train.SkippedImage;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.Preprocessing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Features computed in this process, by the backbone already loaded for the run, through the feature cache. */
final class LocalFeatures implements FeatureSource {

    private final BackboneGraph backbone;
    private final Path cacheDir;
    private final RuntimeOptions runtime;
    private final int decodeThreads;

    /** @param cacheDir the feature cache's root, or null for none */
    LocalFeatures(BackboneGraph backbone, Path cacheDir, RuntimeOptions runtime, int decodeThreads) {
        this.backbone = backbone;
        this.cacheDir = cacheDir;
        this.runtime = runtime;
        this.decodeThreads = decodeThreads;
    }

    @Override
    public FeatureTable extract(FeatureRequest request, Progress progress) throws InvalidModelException, InterruptedException {
        Preprocessing preprocessing = Preprocessing.IMAGENET.withFraming(request.framing());
        List<Path> files = new ArrayList<>(request.images().size());
        request.images().forEach(image -> files.add(request.root().resolve(image.path())));
        FeatureExtractor.Result result;
        try (FeatureExtractor extractor = new FeatureExtractor(backbone, preprocessing, cache(preprocessing), runtime, decodeThreads,
                request.batchSize())) {
            result = extractor.extract(files, i -> request.views(request.images().get(i).training()), progress);
        } catch (OverloadedException e) {
            throw new IllegalStateException("the feature extractor closed while in use", e);
        }
        List<FeatureTable.Failure> failures = new ArrayList<>();
        for (SkippedImage skipped : result.skipped()) {
            failures.add(new FeatureTable.Failure(request.images().get(skipped.index()).path(), skipped.reason()));
        }
        return new FeatureTable() {
            @Override
            public float[][][] collect() {
                return result.features();
            }

            @Override
            public List<Failure> failures() {
                return failures;
            }

            @Override
            public long computed() {
                return result.computed();
            }

            @Override
            public long cached() {
                return result.cached();
            }

            @Override
            public long cacheErrors() {
                return result.cacheErrors();
            }
        };
    }

    /**
     * The cache of this backbone, cut and arithmetic (int8 kernels differ between CPUs), preprocessing, and
     * decoding path (the exact path, or the fast path through libjpeg-turbo or pure Java: their tensors differ).
     */
    private FeatureCache cache(Preprocessing preprocessing) {
        return cacheDir == null ? FeatureCache.disabled()
                : new FeatureCache(cacheDir, backbone.sha256(), backbone.featureSource() + Int8Arithmetic.cacheTag()
                        + new ImageDecoder().pathTag(), preprocessing);
    }
}
