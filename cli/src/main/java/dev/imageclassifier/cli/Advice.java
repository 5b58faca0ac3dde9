package dev.imageclassifier.cli;

import dev.imageclassifier.DatasetException;
import dev.imageclassifier.DownloadException;
import dev.imageclassifier.InvalidModelException;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The command line's words for a failure: the library's facts, said as a user of these commands needs them
 * (with the flag or command that fixes it), and the file system's terse exceptions (whose message is often
 * just a path) said in full.
 */
final class Advice {

    private Advice() {
    }

    /** One line: what went wrong and, where the command line can, what to do about it. */
    static String of(Exception e, String command) {
        String fact = describe(e);
        String hint = hint(e, command);
        return hint == null ? fact : fact + " (" + hint + ")";
    }

    /** What went wrong in words; a file system exception names its reason, not just the path. */
    static String describe(Exception e) {
        if (e instanceof FileSystemException fs) {
            String file = fs.getFile() == null ? "" : ": " + fs.getFile();
            if (e instanceof AccessDeniedException) {
                return "permission denied" + file;
            }
            if (e instanceof NoSuchFileException) {
                return "not found" + file;
            }
            if (e instanceof FileAlreadyExistsException) {
                return "a file is in the way" + file;
            }
            return (fs.getReason() != null ? fs.getReason() : "file system error") + file;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private static String hint(Exception e, String command) {
        if (e instanceof InvalidModelException model) {
            return switch (model.problem()) {
                case NOT_FOUND -> "train one with `train`, or set --model / MODEL_PATH";
                case NOT_A_FILE -> "set --model / MODEL_PATH to an .onnx file";
                case NOT_A_CLASSIFIER -> "a bare backbone goes to `train --backbone`, not to --model";
                case NOT_A_BACKBONE -> "give --backbone the ImageNet backbone it was made from, and this file to serve, predict or "
                        + "evaluate as --model";
                case ALREADY_QUANTIZED -> "give --model the float classifier, e.g. one trained with --backbone mobilenetv2-float.onnx";
                case CORRUPT -> "the file was damaged after it was written: restore it from a copy, or train it again with `train`";
                case UNUSABLE -> null;
            };
        }
        if (e instanceof DatasetException data) {
            return switch (data.problem()) {
                case CLASS_TOO_SMALL -> "add images, or leave it out with --exclude " + data.subject();
                // the subject is the folder that may hold the classes, or the manifest that holds one
                case TOO_FEW_CLASSES -> data.subject() == null ? null : Files.isDirectory(Path.of(data.subject()))
                        ? "if those sub-folders are the classes, pass --data " + data.subject()
                        : "run `prepare` on a folder with two or more class folders";
                case BAD_VALIDATION_FRACTION -> "--val-fraction takes a number between 0 and 1";
                case BAD_MANIFEST -> "create it with `prepare`, or name another with --split / SPLIT_PATH";
                case NO_USABLE_IMAGES, OTHER -> null;
            };
        }
        if (e instanceof DownloadException download) {
            boolean dataset = command.equals("prepare"); // `run` runs each step as its own command: this names it
            if (download.offline()) {
                return "run once with network access, or " + (dataset ? "pass --data DIR with a class-per-folder image tree"
                        : "pass --backbone FILE");
            }
            return dataset ? "pass --data DIR to use images you have, or set CALTECH101_URL to a mirror"
                    : "pass --backbone FILE to use a local .onnx file, and --offline (env OFFLINE) never to download";
        }
        return null;
    }
}
