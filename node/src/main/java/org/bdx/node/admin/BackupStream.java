package org.bdx.node.admin;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.bdx.proto.v1.CreateBackupResponse;

/**
 * The bytes of a backup file as {@code CreateBackup} messages of at most {@link #MESSAGE} bytes,
 * sent only while the transport takes more: a slow reader holds the writer back instead of letting
 * the backup pile up in memory. Written from a thread of its own, never a gRPC one (the transport's
 * readiness is reported on those); fails once the caller has gone.
 */
final class BackupStream extends OutputStream {
  /** Most file bytes in one message (spec ADM-13: 1 MiB). */
  static final int MESSAGE = 1 << 20;

  private final ServerCallStreamObserver<CreateBackupResponse> call;
  private final Object ready = new Object();
  private final byte[] buffer = new byte[MESSAGE];
  private int filled;
  private volatile boolean cancelled;

  /** Takes over the call's readiness and cancellation handlers; call it in the service method. */
  BackupStream(ServerCallStreamObserver<CreateBackupResponse> call) {
    this.call = call;
    call.setOnReadyHandler(this::wake);
    call.setOnCancelHandler(
        () -> {
          cancelled = true;
          wake();
        });
  }

  boolean cancelled() {
    return cancelled;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == buffer.length) {
        send();
      }
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /** Sends what is buffered. */
  @Override
  public void flush() throws IOException {
    if (filled > 0) {
      send();
    }
  }

  /** Sends {@code last} after the buffered bytes: the call's final message. */
  void finish(CreateBackupResponse last) throws IOException {
    flush();
    awaitReady();
    call.onNext(last);
    call.onCompleted();
    Arrays.fill(buffer, (byte) 0);
  }

  private void send() throws IOException {
    awaitReady();
    call.onNext(
        CreateBackupResponse.newBuilder().setData(ByteString.copyFrom(buffer, 0, filled)).build());
    filled = 0;
  }

  private void awaitReady() throws IOException {
    synchronized (ready) {
      while (!cancelled && !call.isReady()) {
        try {
          ready.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("backup interrupted");
        }
      }
    }
    if (cancelled) {
      throw new IOException("the caller stopped reading the backup");
    }
  }

  private void wake() {
    synchronized (ready) {
      ready.notifyAll();
    }
  }
}
