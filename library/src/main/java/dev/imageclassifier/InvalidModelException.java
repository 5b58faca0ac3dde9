package dev.imageclassifier;

import java.nio.file.Path;

/**
 * An ONNX file that cannot serve as a classifier or a backbone: which file, what is wrong with it
 * ({@link #problem()}), and a message that says it in words. Applications add the advice (the command
 * line names its flags, the server its routes).
 */
public final class InvalidModelException extends Exception {

    /** What is wrong with the file. */
    public enum Problem {
        /** There is no file at the path. */
        NOT_FOUND,
        /** The path is a folder, not a file. */
        NOT_A_FILE,
        /** It is a bare ImageNet backbone (no labels): train a classifier on it first. */
        NOT_A_CLASSIFIER,
        /** It is a classifier made by this library, given where a backbone was expected. */
        NOT_A_BACKBONE,
        /** It is already quantized to int8. */
        ALREADY_QUANTIZED,
        /**
         * Its content does not match the digest recorded in it when it was written: it was damaged (or
         * altered) since, and its answers cannot be trusted.
         */
        CORRUPT,
        /** Anything else: not ONNX, a graph that does not fit, a runtime that refuses it. */
        UNUSABLE
    }

    /** What is wrong with the file. */
    private final Problem problem;
    private final transient Path file;

    /**
     * @param problem what is wrong
     * @param file    the file, or null when there is none (an in-memory model)
     * @param message the fact in words
     */
    public InvalidModelException(Problem problem, Path file, String message) {
        this(problem, file, message, null);
    }

    /**
     * @param problem what is wrong
     * @param file    the file, or null when there is none (an in-memory model)
     * @param message the fact in words
     * @param cause   what went wrong underneath, or null
     */
    public InvalidModelException(Problem problem, Path file, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
        this.file = file;
    }

    /** @param message the fact in words; the problem is {@link Problem#UNUSABLE} */
    public InvalidModelException(String message) {
        this(Problem.UNUSABLE, null, message, null);
    }

    /**
     * @param message the fact in words; the problem is {@link Problem#UNUSABLE}
     * @param cause   what went wrong underneath
     */
    public InvalidModelException(String message, Throwable cause) {
        this(Problem.UNUSABLE, null, message, cause);
    }

    /** @return what is wrong with the file */
    public Problem problem() {
        return problem;
    }

    /** @return the file, or null when the model was not a file */
    public Path file() {
        return file;
    }
}
