package org.bdx.node.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.SignedAgreement;

/**
 * Table {@code agreements}: one row per sharing agreement, with the signed terms bytes and both
 * signatures ({@code acceptor_signature} is NULL while the agreement is proposed). The terms and
 * the signatures are stored sealed with the agreement id as identity (spec AR-8): the terms name
 * areas, and a signature would let whoever holds the file test a guess of them.
 *
 * <p>Every method runs in {@link NodeDatabase#inTransaction}, so called inside {@link
 * NodeDatabase#atomically} it joins the caller's transaction: a read-check-write there sees and
 * changes one state. The rules of the lifecycle are not here but in {@code org.bdx.node.agreement};
 * this class checks only that a row maps to a well-formed {@link AgreementRecord}, and a row that
 * does not (unknown state, unparsable terms) is a {@link StoreException}, never a record.
 */
public final class AgreementStore {
  private static final String COLUMNS =
      "agreement_id, partner_node_id, proposed_by_us, state, suspended_by_us, terms,"
          + " proposer_signature, acceptor_signature, updated_at";

  static final String TERMS = "agreements.terms";
  static final String PROPOSER_SIGNATURE = "agreements.proposer_signature";
  static final String ACCEPTOR_SIGNATURE = "agreements.acceptor_signature";
  static final String AMENDMENT_TERMS = "agreement_amendments.terms";
  static final String AMENDMENT_SIGNATURE = "agreement_amendments.proposer_signature";

  private final NodeDatabase db;

  public AgreementStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** Stores a new agreement; a taken id is a {@link StoreException}. */
  public void insert(AgreementRecord r) {
    Objects.requireNonNull(r, "record");
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO agreements (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.agreementId());
            ps.setString(2, r.partner().value());
            ps.setInt(3, r.proposedByUs() ? 1 : 0);
            ps.setInt(4, r.state().getNumber());
            ps.setInt(5, r.suspendedByUs() ? 1 : 0);
            setSigned(ps, 6, db.cipher(), r);
            ps.setLong(9, r.updatedAt());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Stores what can change in an agreement's life: its state, who suspended it, the acceptor's
   * signature and the time of the change. The terms, the parties and the proposer's signature are
   * fixed once inserted.
   *
   * @throws StoreException if the row is not there
   */
  public void update(AgreementRecord r) {
    Objects.requireNonNull(r, "record");
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE agreements SET state = ?, suspended_by_us = ?, acceptor_signature = ?,"
                      + " updated_at = ? WHERE agreement_id = ?")) {
            ps.setInt(1, r.state().getNumber());
            ps.setInt(2, r.suspendedByUs() ? 1 : 0);
            ps.setBytes(3, acceptorSignature(db.cipher(), r));
            ps.setLong(4, r.updatedAt());
            ps.setString(5, r.agreementId());
            if (ps.executeUpdate() != 1) {
              throw new StoreException("agreement row vanished during an update");
            }
          }
          return null;
        });
  }

  /**
   * Puts new terms in force for an agreement (spec AGR-12): the signed terms, both signatures and
   * who proposed them replace the old ones, and the state and time are stored as {@link #update}
   * does. The agreement id and the partner stay.
   *
   * @throws StoreException if the row is not there
   */
  public void replaceTerms(AgreementRecord r) {
    Objects.requireNonNull(r, "record");
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE agreements SET proposed_by_us = ?, state = ?, suspended_by_us = ?,"
                      + " terms = ?, proposer_signature = ?, acceptor_signature = ?,"
                      + " updated_at = ? WHERE agreement_id = ? AND partner_node_id = ?")) {
            ps.setInt(1, r.proposedByUs() ? 1 : 0);
            ps.setInt(2, r.state().getNumber());
            ps.setInt(3, r.suspendedByUs() ? 1 : 0);
            setSigned(ps, 4, db.cipher(), r);
            ps.setLong(7, r.updatedAt());
            ps.setString(8, r.agreementId());
            ps.setString(9, r.partner().value());
            if (ps.executeUpdate() != 1) {
              throw new StoreException("agreement row vanished during an amendment");
            }
          }
          return null;
        });
  }

  /** Stores the pending amendment of an agreement, replacing any other (spec AGR-12). */
  public void putAmendment(AmendmentRecord a) {
    Objects.requireNonNull(a, "amendment");
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO agreement_amendments (agreement_id, version,"
                      + " proposed_by_us, terms, proposer_signature, proposed_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?)")) {
            RowCipher cipher = db.cipher();
            String id = a.agreementId();
            ps.setString(1, id);
            ps.setLong(2, a.version());
            ps.setInt(3, a.proposedByUs() ? 1 : 0);
            ps.setBytes(4, cipher.seal(AMENDMENT_TERMS, a.signed().getTerms().toByteArray(), id));
            ps.setBytes(
                5,
                cipher.seal(
                    AMENDMENT_SIGNATURE, a.signed().getProposerSignature().toByteArray(), id));
            ps.setLong(6, a.proposedAt());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** The pending amendment of an agreement, if there is one. */
  public Optional<AmendmentRecord> amendment(String agreementId) {
    Objects.requireNonNull(agreementId, "agreementId");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT proposed_by_us, terms, proposer_signature, proposed_at"
                      + " FROM agreement_amendments WHERE agreement_id = ?")) {
            ps.setString(1, agreementId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              RowCipher cipher = db.cipher();
              byte[] terms = cipher.open(AMENDMENT_TERMS, rs.getBytes(2), agreementId);
              byte[] sig = cipher.open(AMENDMENT_SIGNATURE, rs.getBytes(3), agreementId);
              try {
                SignedAgreement signed =
                    SignedAgreement.newBuilder()
                        .setTerms(ByteString.copyFrom(terms))
                        .setProposerSignature(ByteString.copyFrom(sig))
                        .build();
                return Optional.of(
                    new AmendmentRecord(
                        agreementId,
                        rs.getInt(1) == 1,
                        signed,
                        AgreementTerms.parseFrom(terms),
                        rs.getLong(4)));
              } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                throw new StoreException("a stored amendment row is malformed");
              }
            }
          }
        });
  }

  /**
   * Deletes the pending amendment of an agreement.
   *
   * @return whether there was one
   */
  public boolean deleteAmendment(String agreementId) {
    Objects.requireNonNull(agreementId, "agreementId");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM agreement_amendments WHERE agreement_id = ?")) {
            ps.setString(1, agreementId);
            return ps.executeUpdate() > 0;
          }
        });
  }

  /** The agreement with this id. */
  public Optional<AgreementRecord> get(String agreementId) {
    Objects.requireNonNull(agreementId, "agreementId");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM agreements WHERE agreement_id = ?")) {
            ps.setString(1, agreementId);
            return one(ps, db.cipher());
          }
        });
  }

  /** The live agreement with {@code partner} if there is one, else the newest terminated one. */
  public Optional<AgreementRecord> latestWith(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM agreements WHERE partner_node_id = ?"
                      + " ORDER BY (state <> ?) DESC, rowid DESC LIMIT 1")) {
            ps.setString(1, partner.value());
            ps.setInt(2, AgreementState.AGREEMENT_STATE_TERMINATED_VALUE);
            return one(ps, db.cipher());
          }
        });
  }

  /** Every agreement, oldest first. */
  public List<AgreementRecord> list() {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM agreements ORDER BY rowid")) {
            return all(ps, db.cipher());
          }
        });
  }

  /** Every ACTIVE agreement, in no particular order. */
  public List<AgreementRecord> active() {
    return inState(AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  /** Every SUSPENDED agreement, in no particular order. */
  public List<AgreementRecord> suspended() {
    return inState(AgreementState.AGREEMENT_STATE_SUSPENDED);
  }

  private List<AgreementRecord> inState(AgreementState state) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM agreements WHERE state = ?")) {
            ps.setInt(1, state.getNumber());
            return all(ps, db.cipher());
          }
        });
  }

  /** How many agreements, in any state, this node has had with {@code partner}. */
  public long countWith(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COUNT(*) FROM agreements WHERE partner_node_id = ?")) {
            ps.setString(1, partner.value());
            return count(ps);
          }
        });
  }

  /**
   * Whether an agreement with {@code partner} is not terminated. A row with a state this code does
   * not know counts as live: the question guards against a second agreement, so it fails closed.
   */
  public boolean hasLiveWith(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM agreements WHERE partner_node_id = ? AND state <> ?")) {
            ps.setString(1, partner.value());
            ps.setInt(2, AgreementState.AGREEMENT_STATE_TERMINATED_VALUE);
            return count(ps) > 0;
          }
        });
  }

  /**
   * The terms of every agreement with {@code partner}, newest first. Terms that do not open or do
   * not parse are left out: the caller looks for the partner's public key, which any other row may
   * name as well.
   */
  public List<AgreementTerms> termsWith(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          List<AgreementTerms> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT agreement_id, terms FROM agreements WHERE partner_node_id = ?"
                      + " ORDER BY rowid DESC")) {
            ps.setString(1, partner.value());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                try {
                  out.add(
                      AgreementTerms.parseFrom(
                          db.cipher().open(TERMS, rs.getBytes(2), rs.getString(1))));
                } catch (InvalidProtocolBufferException | StoreException e) {
                  continue;
                }
              }
            }
          }
          return out;
        });
  }

  /**
   * Deletes the terminated agreements with {@code partner} (before the partner itself is removed;
   * the table refers to {@code partners}). With {@code secure_delete} their bytes are overwritten.
   *
   * @return how many rows were deleted
   */
  public int deleteTerminatedWith(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM agreement_amendments WHERE agreement_id IN (SELECT agreement_id"
                      + " FROM agreements WHERE partner_node_id = ? AND state = ?)")) {
            ps.setString(1, partner.value());
            ps.setInt(2, AgreementState.AGREEMENT_STATE_TERMINATED_VALUE);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM agreements WHERE partner_node_id = ? AND state = ?")) {
            ps.setString(1, partner.value());
            ps.setInt(2, AgreementState.AGREEMENT_STATE_TERMINATED_VALUE);
            return ps.executeUpdate();
          }
        });
  }

  // --- rows -----------------------------------------------------------------------------------

  private static Optional<AgreementRecord> one(PreparedStatement ps, RowCipher cipher)
      throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs, cipher)) : Optional.empty();
    }
  }

  private static List<AgreementRecord> all(PreparedStatement ps, RowCipher cipher)
      throws SQLException {
    List<AgreementRecord> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs, cipher));
      }
    }
    return out;
  }

  private static long count(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Binds the sealed terms, proposer signature and acceptor signature of {@code r} to the three
   * parameters from {@code first} on, as columns {@code terms}, {@code proposer_signature} and
   * {@code acceptor_signature} are written by insert and amendment alike.
   */
  private static void setSigned(
      PreparedStatement ps, int first, RowCipher cipher, AgreementRecord r) throws SQLException {
    String id = r.agreementId();
    ps.setBytes(first, cipher.seal(TERMS, r.signed().getTerms().toByteArray(), id));
    ps.setBytes(
        first + 1,
        cipher.seal(PROPOSER_SIGNATURE, r.signed().getProposerSignature().toByteArray(), id));
    ps.setBytes(first + 2, acceptorSignature(cipher, r));
  }

  /** NULL while proposed: an empty signature is never stored as if it were one. */
  private static byte[] acceptorSignature(RowCipher cipher, AgreementRecord r) {
    ByteString sig = r.signed().getAcceptorSignature();
    return sig.isEmpty()
        ? null
        : cipher.seal(ACCEPTOR_SIGNATURE, sig.toByteArray(), r.agreementId());
  }

  /**
   * @throws StoreException if a sealed value does not open (naming its column) or the row does not
   *     make a well-formed record
   */
  private static AgreementRecord read(ResultSet rs, RowCipher cipher) throws SQLException {
    String id = rs.getString(1);
    if (id == null) {
      throw new StoreException("a stored agreement row is malformed");
    }
    byte[] termsBytes = cipher.open(TERMS, rs.getBytes(6), id);
    byte[] proposerSig = cipher.open(PROPOSER_SIGNATURE, rs.getBytes(7), id);
    byte[] sealedAcceptorSig = rs.getBytes(8);
    byte[] acceptorSig =
        sealedAcceptorSig == null ? null : cipher.open(ACCEPTOR_SIGNATURE, sealedAcceptorSig, id);
    try {
      SignedAgreement.Builder signed =
          SignedAgreement.newBuilder()
              .setTerms(ByteString.copyFrom(termsBytes))
              .setProposerSignature(ByteString.copyFrom(proposerSig));
      if (acceptorSig != null) {
        signed.setAcceptorSignature(ByteString.copyFrom(acceptorSig));
      }
      AgreementState state = AgreementState.forNumber(rs.getInt(4));
      if (state == null || state == AgreementState.AGREEMENT_STATE_UNSPECIFIED) {
        throw new StoreException("a stored agreement has an unknown state");
      }
      return new AgreementRecord(
          id,
          new NodeId(rs.getString(2)),
          rs.getInt(3) == 1,
          state,
          rs.getInt(5) == 1,
          signed.build(),
          AgreementTerms.parseFrom(termsBytes),
          rs.getLong(9));
    } catch (InvalidProtocolBufferException | IllegalArgumentException | NullPointerException e) {
      throw new StoreException("a stored agreement row is malformed");
    }
  }
}
