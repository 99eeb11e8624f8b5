package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the envelope parser and {@link AlertVerifier} (spec SIG-7) with hostile bytes.
 *
 * <p>Invariants: parsing fails only with {@link InvalidProtocolBufferException}; verification fails
 * only with {@link VerificationException} (never a crash); and whatever verifies is a genuine
 * envelope of the spec vectors, byte for byte: the same header bytes and signature, and disclosures
 * that are a subset of that envelope's (no forged acceptance).
 *
 * <p>In the normal build these run in Jazzer's regression mode on the seeds committed under {@code
 * src/test/resources/org/bdx/node/signing/AlertVerifierFuzzTestInputs/}. To fuzz: {@code
 * JAZZER_FUZZ=1 ./mvnw -pl node test -Dtest=AlertVerifierFuzzTest#verifyArbitraryBytes}.
 */
class AlertVerifierFuzzTest {
  private static final AlertVerifier VERIFIER = new AlertVerifier();

  /**
   * The valid envelopes of spec/vectors/alert-signature.json, and the genuine envelopes of another
   * origin in negative.json (they fail only when the vectors' origin is expected).
   */
  private static final List<SignedAlert> KNOWN_GOOD = loadKnownGood();

  private static final NodeId ORIGIN = Fixtures.origin().nodeId();

  private static final NodeId OTHER = Fixtures.other().nodeId();

  /** Arbitrary bytes parsed as a SignedAlert, verified with and without an expected origin. */
  @FuzzTest(maxDuration = "5m")
  void verifyArbitraryBytes(byte[] data) {
    SignedAlert envelope;
    try {
      envelope = SignedAlert.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return; // The parser refused it: the gRPC layer answers the sender, nothing is stored.
    }
    checkVerification(envelope);
  }

  /**
   * Structure-aware: a known-good envelope with bytes flipped, deleted or inserted. With no edits
   * it must verify (the twin that shows the harness can accept at all).
   */
  @FuzzTest(maxDuration = "5m")
  void verifyEditedEnvelope(FuzzedDataProvider data) {
    SignedAlert base = KNOWN_GOOD.get(data.consumeInt(0, KNOWN_GOOD.size() - 1));
    byte[] bytes = base.toByteArray();
    int edits = data.consumeInt(0, 8);
    for (int i = 0; i < edits && bytes.length > 0; i++) {
      int at = data.consumeInt(0, bytes.length - 1);
      switch (data.consumeInt(0, 2)) {
        case 0 -> bytes[at] ^= (byte) (data.consumeInt(1, 255));
        case 1 -> bytes = delete(bytes, at);
        default -> bytes = insert(bytes, at, data.consumeByte());
      }
    }
    SignedAlert envelope;
    try {
      envelope = SignedAlert.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    VerifiedAlert v = checkVerification(envelope);
    if (edits == 0) {
      assertThat(v).as("an unedited known-good envelope verifies").isNotNull();
    }
  }

  /** The seeds themselves, as a plain test: every known-good envelope verifies as itself. */
  @Test
  void knownGoodEnvelopes_verify() throws Exception {
    assertThat(KNOWN_GOOD).hasSizeGreaterThanOrEqualTo(4);
    for (SignedAlert e : KNOWN_GOOD) {
      VerifiedAlert v = VERIFIER.verify(e);
      assertThat(v.envelope()).isEqualTo(e);
      assertGenuine(v);
    }
  }

  /**
   * Verifies with no expected origin, then expecting the vectors' origin and another node; anything
   * but a VerificationException escapes. Returns what verified (or null).
   */
  private static VerifiedAlert checkVerification(SignedAlert envelope) {
    VerifiedAlert any = verifyOrNull(envelope, null);
    VerifiedAlert fromOrigin = verifyOrNull(envelope, ORIGIN);
    VerifiedAlert fromOther = verifyOrNull(envelope, OTHER);
    if (any == null) {
      if (fromOrigin != null || fromOther != null) {
        throw new AssertionError("expecting an origin made a refused envelope verify");
      }
      return null;
    }
    assertGenuine(any);
    String origin = any.header().getOriginNodeId();
    if ((fromOrigin != null) != origin.equals(ORIGIN.value())
        || (fromOther != null) != origin.equals(OTHER.value())) {
      throw new AssertionError("the expected origin check (SIG-7.5) did not follow the header");
    }
    return any;
  }

  private static VerifiedAlert verifyOrNull(SignedAlert envelope, NodeId expected) {
    try {
      return VERIFIER.verify(envelope, expected);
    } catch (VerificationException e) {
      return null;
    }
  }

  /** What verified is a known-good envelope with (a subset of) its own disclosures. */
  private static void assertGenuine(VerifiedAlert v) {
    SignedAlert got = v.envelope();
    for (SignedAlert good : KNOWN_GOOD) {
      if (good.getHeader().equals(got.getHeader())
          && good.getSignature().equals(got.getSignature())) {
        for (Disclosure d : got.getDisclosuresList()) {
          if (!good.getDisclosuresList().contains(d)) {
            throw new AssertionError("a disclosure the origin never made was accepted");
          }
        }
        if (v.disclosedPaths().size() != got.getDisclosuresCount()) {
          throw new AssertionError("disclosed paths do not match the disclosures");
        }
        return;
      }
    }
    throw new AssertionError("an envelope that no known-good envelope matches was accepted");
  }

  private static byte[] delete(byte[] b, int at) {
    byte[] out = new byte[b.length - 1];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, at + 1, out, at, b.length - at - 1);
    return out;
  }

  private static byte[] insert(byte[] b, int at, byte value) {
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(b, at, out, at + 1, b.length - at);
    return out;
  }

  private static List<SignedAlert> loadKnownGood() {
    String dir = System.getProperty("bdx.spec.dir");
    if (dir == null) {
      throw new IllegalStateException("system property bdx.spec.dir is not set");
    }
    try {
      JsonObject root =
          JsonParser.parseString(
                  Files.readString(
                      Path.of(dir, "vectors", "alert-signature.json"), StandardCharsets.UTF_8))
              .getAsJsonObject();
      List<SignedAlert> out = new ArrayList<>();
      for (JsonElement c : root.getAsJsonArray("cases")) {
        byte[] bytes = HexFormat.of().parseHex(c.getAsJsonObject().get("envelope").getAsString());
        out.add(SignedAlert.parseFrom(bytes));
      }
      JsonObject negative =
          JsonParser.parseString(
                  Files.readString(
                      Path.of(dir, "vectors", "negative.json"), StandardCharsets.UTF_8))
              .getAsJsonObject();
      for (JsonElement c : negative.getAsJsonArray("cases")) {
        JsonObject o = c.getAsJsonObject();
        if (o.get("reason").getAsString().equals("UNEXPECTED_ORIGIN")) {
          out.add(SignedAlert.parseFrom(HexFormat.of().parseHex(o.get("envelope").getAsString())));
        }
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
