package dev.imageclassifier.cli;

import dev.imageclassifier.ClassifierOptions;
import picocli.CommandLine.Option;

/** The decoding switch shared by every command that turns images into model inputs. */
public final class PreprocessingMixin {

    @Option(names = "--exact-preprocessing",
            description = "Decode every image at full size with the JDK decoder and resize it as earlier versions did, bit for "
                    + "bit; by default JPEGs are decoded by libjpeg-turbo when the system has it, no larger than the model "
                    + "input needs (1/2-1/8 scale), which is several times faster on phone photos and changes the input by "
                    + "a fraction of a level "
                    + "(env " + ClassifierOptions.EXACT_PREPROCESSING_VARIABLE + "=true).")
    void exact(boolean on) {
        if (on) { // set process-wide, so `run` passes it on to the steps it runs; absent, the environment decides
            System.setProperty(ClassifierOptions.EXACT_PREPROCESSING_PROPERTY, "true");
        }
    }
}
