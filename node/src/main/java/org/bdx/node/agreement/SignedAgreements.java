package org.bdx.node.agreement;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.MessageDigest;
import java.util.Objects;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.signing.SigningKeys;
import org.bdx.node.signing.WireCheck;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.SignedAgreement;

/**
 * Signing and verifying sharing agreements (spec AGR-2): both parties sign the SAME exact terms
 * bytes under payload type {@value SigningInput#AGREEMENT_TERMS_TYPE}. The terms are serialized
 * once, by the proposer; nothing here re-serializes received terms.
 */
public final class SignedAgreements {
  /** Largest accepted serialized terms. */
  public static final int MAX_TERMS_BYTES = 16 * 1024;

  private SignedAgreements() {}

  /**
   * Serializes {@code terms} once and signs the bytes as the proposer.
   *
   * @throws BdxException INVALID_ARGUMENT if the terms are invalid, too large, or name another
   *     proposer than {@code proposer}
   */
  public static SignedAgreement propose(NodeKeys proposer, AgreementTerms terms) {
    return propose(proposer, terms, SigningKeys.NONE);
  }

  /** As above, where a party's key may be a later key its held key log names (KEY-18). */
  public static SignedAgreement propose(NodeKeys proposer, AgreementTerms terms, SigningKeys keys) {
    Objects.requireNonNull(proposer, "proposer");
    Objects.requireNonNull(terms, "terms");
    AgreementTermsValidator.validate(terms, keys);
    if (!proposer.nodeId().value().equals(terms.getProposerNodeId())) {
      throw BdxException.invalid("the terms name another node as proposer");
    }
    byte[] bytes = terms.toByteArray();
    if (bytes.length > MAX_TERMS_BYTES) {
      throw BdxException.invalid("agreement terms exceed " + MAX_TERMS_BYTES + " bytes serialized");
    }
    byte[] signature = proposer.sign(signingInput(bytes));
    return SignedAgreement.newBuilder()
        .setTerms(ByteString.copyFrom(bytes))
        .setProposerSignature(ByteString.copyFrom(signature))
        .build();
  }

  /**
   * Adds the acceptor's signature over the very bytes the proposer signed, after verifying the
   * proposal.
   *
   * @throws BdxException INVALID_ARGUMENT if the proposal does not verify, is already
   *     countersigned, or names another acceptor than {@code acceptor}
   */
  public static SignedAgreement countersign(NodeKeys acceptor, SignedAgreement proposed) {
    return countersign(acceptor, proposed, SigningKeys.NONE);
  }

  /**
   * As above, with the key logs {@code keys} holds; refuses terms that name a key of this node
   * other than its current one (made before the proposer learned of a rotation, KEY-18).
   *
   * @throws BdxException FAILED_PRECONDITION for such terms
   */
  public static SignedAgreement countersign(
      NodeKeys acceptor, SignedAgreement proposed, SigningKeys keys) {
    Objects.requireNonNull(acceptor, "acceptor");
    Objects.requireNonNull(proposed, "proposed");
    if (!proposed.getAcceptorSignature().isEmpty()) {
      throw BdxException.invalid("the agreement is already countersigned");
    }
    AgreementTerms terms = verify(proposed, false, keys);
    if (!acceptor.nodeId().value().equals(terms.getAcceptorNodeId())) {
      throw BdxException.invalid("the terms name another node as acceptor");
    }
    if (!MessageDigest.isEqual(terms.getAcceptorPublicKey().toByteArray(), acceptor.publicKey())) {
      throw BdxException.failedPrecondition(
          "the terms name a former key of this node as the acceptor's; the proposer must propose"
              + " again once it holds this node's current key log");
    }
    byte[] signature = acceptor.sign(signingInput(proposed.getTerms().toByteArray()));
    return proposed.toBuilder().setAcceptorSignature(ByteString.copyFrom(signature)).build();
  }

  /**
   * Verifies a signed agreement and returns its terms. Checks, in order: no unknown fields in the
   * envelope, size bounds, the terms parse with no unknown fields, each public key is 32 bytes and
   * its node id is the party's node id, the proposer's signature, the acceptor's signature (when
   * {@code requireBoth}, or whenever one is present), and finally the terms rules.
   *
   * @throws BdxException INVALID_ARGUMENT naming the first failed check
   */
  public static AgreementTerms verify(SignedAgreement s, boolean requireBoth) {
    return verify(s, requireBoth, SigningKeys.NONE);
  }

  /**
   * As above, where a party's key may be a later key its held key log names (spec KEY-18): the
   * proposer's key must sign for it at {@code proposed_at} and neither key may be revoked.
   */
  public static AgreementTerms verify(SignedAgreement s, boolean requireBoth, SigningKeys keys) {
    Objects.requireNonNull(s, "signed agreement");
    Objects.requireNonNull(keys, "keys");
    AgreementTerms terms = parseTerms(s);
    byte[] input = signingInput(s.getTerms().toByteArray());
    byte[] proposerKey = terms.getProposerPublicKey().toByteArray();
    byte[] acceptorKey = terms.getAcceptorPublicKey().toByteArray();
    NodeId proposer = checkKey("proposer", terms.getProposerNodeId(), proposerKey, keys);
    NodeId acceptor = checkKey("acceptor", terms.getAcceptorNodeId(), acceptorKey, keys);
    if (!keys.signsNew(proposer, proposerKey, terms.getProposedAt())) {
      throw BdxException.invalid(
          "the proposer's key does not sign for it at proposed_at, or the proposer revoked it");
    }
    if (keys.isRevoked(acceptor, acceptorKey)) {
      throw BdxException.invalid("the terms name an acceptor's key that the acceptor revoked");
    }
    if (!NodeKeys.verify(proposerKey, input, s.getProposerSignature().toByteArray())) {
      throw BdxException.invalid("the proposer's signature does not verify");
    }
    if (requireBoth && s.getAcceptorSignature().isEmpty()) {
      throw BdxException.invalid("the acceptor's signature is missing");
    }
    if (!s.getAcceptorSignature().isEmpty()
        && !NodeKeys.verify(acceptorKey, input, s.getAcceptorSignature().toByteArray())) {
      throw BdxException.invalid("the acceptor's signature does not verify");
    }
    AgreementTermsValidator.validate(terms, keys);
    return terms;
  }

  /**
   * Parses the terms of {@code s} without checking signatures, after the envelope and size checks.
   * Use {@link #verify} before trusting anything in them.
   */
  static AgreementTerms parseTerms(SignedAgreement s) {
    if (!s.getUnknownFields().asMap().isEmpty()) {
      throw BdxException.invalid("the signed agreement has unknown fields");
    }
    if (s.getTerms().isEmpty()) {
      throw BdxException.invalid("the signed agreement carries no terms");
    }
    if (s.getTerms().size() > MAX_TERMS_BYTES) {
      throw BdxException.invalid("agreement terms exceed " + MAX_TERMS_BYTES + " bytes");
    }
    if (s.getProposerSignature().size() != NodeKeys.SIGNATURE_LENGTH) {
      throw BdxException.invalid("the proposer's signature must be 64 bytes");
    }
    if (!s.getAcceptorSignature().isEmpty()
        && s.getAcceptorSignature().size() != NodeKeys.SIGNATURE_LENGTH) {
      throw BdxException.invalid("the acceptor's signature must be 64 bytes");
    }
    AgreementTerms terms;
    try {
      if (!WireCheck.wellFormed(s.getTerms().toByteArray(), AgreementTerms.getDescriptor())) {
        throw BdxException.invalid("the agreement terms do not parse"); // PB-1
      }
      terms = AgreementTerms.parseFrom(s.getTerms());
    } catch (InvalidProtocolBufferException e) {
      throw BdxException.invalid("the agreement terms do not parse");
    }
    if (!terms.getUnknownFields().asMap().isEmpty()
        || !terms.getProposerToAcceptor().getUnknownFields().asMap().isEmpty()
        || !terms.getAcceptorToProposer().getUnknownFields().asMap().isEmpty()) {
      // Fail closed: an unknown field might be a restriction this node cannot enforce.
      throw BdxException.invalid("the agreement terms have fields unknown to bdx.v1");
    }
    return terms;
  }

  /** The exact bytes each party signs: SIG-2 over the terms bytes. */
  static byte[] signingInput(byte[] termsBytes) {
    return SigningInput.of(SigningInput.AGREEMENT_TERMS_TYPE, termsBytes);
  }

  private static NodeId checkKey(String role, String nodeId, byte[] key, SigningKeys keys) {
    if (key.length != NodeKeys.PUBLIC_KEY_LENGTH) {
      throw BdxException.invalid("the " + role + "'s public key must be 32 bytes");
    }
    NodeId id = NodeId.fromPublicKey(key);
    if (id.value().equals(nodeId)) {
      return id;
    }
    NodeId named = keys.nodeNaming(nodeId, key);
    if (named == null) {
      throw BdxException.invalid(
          "the "
              + role
              + "'s node id is not the id of the "
              + role
              + "'s public key, nor of a node whose key log names it");
    }
    return named;
  }
}
