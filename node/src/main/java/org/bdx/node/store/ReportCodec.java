package org.bdx.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import org.bdx.proto.v1.Report;

/**
 * How a report becomes the bytes stored on disk and back: a node encrypts each report under its own
 * key ({@link SealedReportCodec}, crypto-shredding); {@link ReportStore} never touches report bytes
 * elsewhere.
 */
public interface ReportCodec {

  byte[] encode(String reportId, Report report);

  /**
   * @throws StoreException if the bytes cannot be read
   */
  Report decode(String reportId, byte[] stored);

  /**
   * Whether {@code stored} is already in this codec's form (so {@link ReportStore#encodeAll} leaves
   * it alone).
   */
  default boolean encoded(String reportId, byte[] stored) {
    return true;
  }

  /**
   * Destroys what makes the stored bytes of {@code reportId} readable; called before the report's
   * row is deleted. Nothing to do for a codec without keys.
   */
  default void destroy(String reportId) {}

  /**
   * Plain serialized protobuf: how nodes made before encryption at rest stored reports, read once
   * when such a node is encrypted ({@link ReportStore#encodeAll}), and used by tests of the store
   * alone.
   */
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
