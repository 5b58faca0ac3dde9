package dev.imageclassifier.serve;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timing test the issue asks for: checking a token that is wrong in its first byte takes as long as checking one
 * wrong only in its last byte, so the time taken does not leak how much of a guess was right. The same measurement on
 * a plain early-exit comparison shows a large gap, which proves the measurement can see one. Medians over interleaved
 * rounds keep it steady on a busy machine; the tokens are 16 KiB so that the gap of an early exit is large.
 */
class AccessTokensTimingTest {

    private static final int LENGTH = 16 * 1024;
    private static final int ROUNDS = 31;
    private static final int CALLS_PER_ROUND = 64;

    private static long sink;

    @Test
    void a_wrong_first_byte_and_a_wrong_last_byte_take_the_same_time() {
        String token = "a".repeat(LENGTH);
        AccessTokens tokens = AccessTokens.of(List.of(token));
        double ratio = lastOverFirst(tokens::accepts, token.getBytes(StandardCharsets.UTF_8));
        assertThat(ratio).as("time(wrong last byte) / time(wrong first byte)").isBetween(0.67, 1.5);
    }

    @Test
    void the_measurement_does_see_an_early_exit() {
        String token = "a".repeat(LENGTH);
        byte[] known = token.getBytes(StandardCharsets.UTF_8);
        Predicate<byte[]> earlyExit = presented -> Arrays.equals(known, presented);
        assertThat(lastOverFirst(earlyExit, known)).isGreaterThan(1.5); // usually 10 and more; above our test's upper bound
    }

    /** Median time of checking a token wrong in its last byte over one wrong in its first. */
    private static double lastOverFirst(Predicate<byte[]> check, byte[] token) {
        byte[] wrongFirst = token.clone();
        wrongFirst[0] = 'b';
        byte[] wrongLast = token.clone();
        wrongLast[token.length - 1] = 'b';
        for (int i = 0; i < 3_000; i++) { // warm-up: let the JIT compile both paths
            sink += check.test(wrongFirst) ? 1 : 0;
            sink += check.test(wrongLast) ? 1 : 0;
        }
        long[] first = new long[ROUNDS];
        long[] last = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            if (round % 2 == 0) { // alternate which goes first: neither profits from the other's warm cache
                first[round] = time(check, wrongFirst);
                last[round] = time(check, wrongLast);
            } else {
                last[round] = time(check, wrongLast);
                first[round] = time(check, wrongFirst);
            }
        }
        Arrays.sort(first);
        Arrays.sort(last);
        return (double) last[ROUNDS / 2] / first[ROUNDS / 2];
    }

    private static long time(Predicate<byte[]> check, byte[] presented) {
        long start = System.nanoTime();
        for (int i = 0; i < CALLS_PER_ROUND; i++) {
            sink += check.test(presented) ? 1 : 0;
        }
        return System.nanoTime() - start;
    }
}
