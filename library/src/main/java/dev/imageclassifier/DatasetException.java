package dev.imageclassifier;

/**
 * Labelled images that cannot be used as given: what is wrong ({@link #problem()}), what it is about
 * ({@link #subject()}: a class, a folder, a file) and a message that says it in words. Applications add the
 * advice (the command line names the flag that fixes it).
 */
public final class DatasetException extends Exception {

    /** What is wrong with the images. */
    public enum Problem {
        /** A class has too few images to split (the subject is the class). */
        CLASS_TOO_SMALL,
        /** Fewer than two classes (the subject is the folder); the classes may be one level further down. */
        TOO_FEW_CLASSES,
        /** The share held out for validation is not between 0 and 1. */
        BAD_VALIDATION_FRACTION,
        /** No training or no validation image could be used. */
        NO_USABLE_IMAGES,
        /** A split manifest that is missing or not one (the subject is the file). */
        BAD_MANIFEST,
        /** Anything else. */
        OTHER
    }

    /** What is wrong. */
    private final Problem problem;
    /** What it is about, or null. */
    private final String subject;

    /**
     * @param problem what is wrong
     * @param subject what it is about (a class name, a folder, a file), or null
     * @param message the fact in words
     */
    public DatasetException(Problem problem, String subject, String message) {
        super(message);
        this.problem = problem;
        this.subject = subject;
    }

    /** @param message the fact in words; the problem is {@link Problem#OTHER} */
    public DatasetException(String message) {
        this(Problem.OTHER, null, message);
    }

    /**
     * @param message the fact in words; the problem is {@link Problem#OTHER}
     * @param cause   what went wrong underneath
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
        this.problem = Problem.OTHER;
        this.subject = null;
    }

    /** @return what is wrong */
    public Problem problem() {
        return problem;
    }

    /** @return what it is about (a class name, a folder, a file), or null */
    public String subject() {
        return subject;
    }
}
