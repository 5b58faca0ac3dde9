/**
 * Classify images with a trained classifier file, and train one: the API of the image-classifier library.
 * Every type a user touches is in this package; the sub-packages are internal and may change without notice.
 *
 * <h2>Classify</h2>
 * <pre>{@code
 * try (ImageClassifier classifier = ImageClassifier.load(Path.of("model/classifier.onnx"))) {
 *     Prediction p = classifier.classify(Path.of("cat.jpg"));
 *     System.out.println(p.label() + " " + p.confidence());
 * }
 * }</pre>
 *
 * <h2>Train</h2>
 * <pre>{@code
 * DatasetSplit split = DatasetSplit.builder(Path.of("photos")).build();   // one sub-folder per class
 * TrainingResult result = Trainer.builder()
 *         .backbone(BackboneFile.resolve("mobilenetv2-int8", null, false, ProgressListener.lines(System.err)))
 *         .build()
 *         .train(split, Path.of("model/classifier.onnx"), Path.of("results"));
 * }</pre>
 *
 * <p>Front doors: {@link dev.imageclassifier.ImageClassifier} (classify, explain, evaluate),
 * {@link dev.imageclassifier.Trainer} (train), {@link dev.imageclassifier.Int8Quantizer} (quantize),
 * {@link dev.imageclassifier.DatasetSplit} (find and split labelled images). Failures are typed and say what is
 * wrong, never which flag or route to use: {@link dev.imageclassifier.InvalidImageException},
 * {@link dev.imageclassifier.ImageTooLargeException}, {@link dev.imageclassifier.InvalidModelException},
 * {@link dev.imageclassifier.DatasetException}, {@link dev.imageclassifier.OverloadedException},
 * {@link dev.imageclassifier.InferenceException}. The library logs through SLF4J and prints nothing unless given
 * a {@link dev.imageclassifier.ProgressListener}.
 */
package dev.imageclassifier;
