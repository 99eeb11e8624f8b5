package org.bdx.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import org.bdx.proto.v1.Report;

/**
 * How a report becomes the bytes stored on disk and back. The one place to swap in per-report
 * encryption (crypto-shredding): {@link ReportStore} never touches report bytes elsewhere.
 */
public interface ReportCodec {

  byte[] encode(String reportId, Report report);

  /**
   * @throws StoreException if the bytes cannot be read
   */
  Report decode(String reportId, byte[] stored);

  /** Plain serialized protobuf. Encryption at rest is a later step. */
  ReportCodec PLAIN =
      new ReportCodec() {
        @Override
        public byte[] encode(String reportId, Report report) {
          return report.toByteArray();
        }

        @Override
        public Report decode(String reportId, byte[] stored) {
          try {
            return Report.parseFrom(stored);
          } catch (InvalidProtocolBufferException e) {
            throw new StoreException("stored report " + reportId + " cannot be read");
          }
        }
      };
}
