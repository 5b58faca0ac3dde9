package dev.imageclassifier.serve;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.nio.ByteBuffer;

/** The request as the routes see it once {@link UploadReceiver} has its whole body: the body comes from memory, all at once. */
final class ReceivedBody extends Request.Wrapper {

    private Content.Chunk next;

    ReceivedBody(Request request, ByteBuffer body) {
        super(request);
        this.next = Content.Chunk.from(body, true);
    }

    @Override
    public synchronized Content.Chunk read() {
        Content.Chunk chunk = next;
        next = Content.Chunk.EOF;
        return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
        demandCallback.run(); // read() never returns null
    }

    @Override
    public synchronized boolean consumeAvailable() {
        next = Content.Chunk.EOF;
        return true;
    }
}
