package dev.imageclassifier.serve;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** malloc_trim is reachable on Linux (glibc), where the servers run: a swap gives the old model's memory back. */
class NativeMemoryTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void malloc_trim_gives_back_native_memory_that_free_keeps() {
        assertThat(NativeMemory.trim()).isTrue();
        // 64 MiB in small blocks (from malloc's heap, not mmap), all freed but the last: free alone cannot shrink the
        // heap below that one, so the memory stays resident until trimmed.
        List<Memory> blocks = new ArrayList<>();
        for (int i = 0; i < 65_536; i++) {
            Memory block = new Memory(1024);
            block.setByte(0, (byte) 1);
            blocks.add(block);
        }
        Memory last = blocks.remove(blocks.size() - 1);
        blocks.forEach(Memory::close);
        long kept = ResidentMemory.bytes();
        assertThat(NativeMemory.trim()).isTrue();
        long trimmed = ResidentMemory.bytes();
        last.close();
        assertThat(kept - trimmed).as("resident bytes given back").isGreaterThan(32L << 20);
    }
}
