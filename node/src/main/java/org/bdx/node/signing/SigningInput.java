package org.bdx.node.signing;

import java.util.Objects;
import org.bdx.node.identity.LengthPrefixed;

/**
 * The exact bytes an Ed25519 signature covers (spec SIG-2): {@code
 * u64be(len(ctx))||ctx||u64be(len(type))||type||u64be(len(body))||body}, with ctx = {@value
 * #CONTEXT}. The payload type keeps a header from ever being mistaken for another signed object.
 */
public final class SigningInput {
  /** Domain-separation context of every BDX v1 signature. */
  public static final String CONTEXT = "bdx/v1/signature";

  /** Payload type of a serialized {@code bdx.v1.AlertHeader}. */
  public static final String ALERT_HEADER_TYPE = "bdx.v1.AlertHeader";

  /** Payload type of a serialized {@code bdx.v1.AgreementTerms} (reserved for agreements). */
  public static final String AGREEMENT_TERMS_TYPE = "bdx.v1.AgreementTerms";

  /** Payload type of a serialized {@code bdx.v1.HopStatement}, a relay's signed hop (RELAY-8). */
  public static final String HOP_STATEMENT_TYPE = "bdx.v1.HopStatement";

  /** Payload type of a serialized {@code bdx.v1.KeyEvent}, a statement of a key log (KEY-2). */
  public static final String KEY_EVENT_TYPE = "bdx.v1.KeyEvent";

  private SigningInput() {}

  /** The signing input of {@code body} under {@code payloadType} (printable ASCII). */
  public static byte[] of(String payloadType, byte[] body) {
    Objects.requireNonNull(payloadType, "payloadType");
    Objects.requireNonNull(body, "body");
    return LengthPrefixed.concat(
        LengthPrefixed.ascii(CONTEXT), LengthPrefixed.ascii(payloadType), body);
  }

  /** The signing input of serialized alert header bytes. */
  public static byte[] ofAlertHeader(byte[] headerBytes) {
    return of(ALERT_HEADER_TYPE, headerBytes);
  }
}
