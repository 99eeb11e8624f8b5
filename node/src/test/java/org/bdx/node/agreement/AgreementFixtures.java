package org.bdx.node.agreement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.store.TestCiphers;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.Severity;

/** Nodes with their own database, keys, partners and agreement book, for tests. */
final class AgreementFixtures {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  private AgreementFixtures() {}

  static NodeKeys keys(int seed) {
    byte[] s = new byte[32];
    java.util.Arrays.fill(s, (byte) seed);
    return NodeKeys.fromSeed(s);
  }

  /** One node. */
  static final class Side implements AutoCloseable {
    final String name;
    final NodeKeys keys;
    final NodeDatabase db;
    final Partners partners;
    final AgreementBook book;
    final CoordinatorActions coordinator;
    final PartnerActions partnerActions;
    final SharingGrants grants;
    final List<AgreementRecord> events = new ArrayList<>();

    Side(Path dir, String name, int seed) throws Exception {
      this.name = name;
      this.keys = keys(seed);
      Path home = Files.createDirectories(dir.resolve(name));
      this.db = NodeDatabase.open(home.resolve("node.db"), TestCiphers.CIPHER);
      Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
      this.partners = new Partners(db, clock);
      this.book = new AgreementBook(db, clock);
      this.coordinator = new CoordinatorActions(book, keys, partners, new SecureRandom());
      this.partnerActions = new PartnerActions(book, keys, partners);
      this.grants = book.grants();
      book.addListener(events::add);
    }

    /** Registers {@code other} as a partner of class {@code cls}, named after it. */
    PartnerRecord register(Side other, PartnerClass cls) {
      return partners.add(other.name, other.keys.nodeId(), "127.0.0.1:7401", cls);
    }

    @Override
    public void close() {
      db.close();
    }
  }

  static DirectionTerms.Builder direction(PartnerClass receiver) {
    return DirectionTerms.newBuilder()
        .setReceiverClass(receiver)
        .setAllHarms(true)
        .addAreas("Downtown Eastside")
        .setMinSeverity(Severity.SEVERITY_MODERATE)
        .addFieldPaths("area")
        .addFieldPaths("harms")
        .addFieldPaths("phone_numbers")
        .setRetentionDays(90);
  }

  /** Terms where the proposer sends under all harms and receives robbery only. */
  static ProposedTerms proposed(PartnerClass usAsSeenByPartner) {
    return ProposedTerms.newBuilder()
        .setWeSend(
            direction(PartnerClass.PARTNER_CLASS_UNSPECIFIED).setMayRelay(true).setMaxRelayHops(2))
        .setWeReceive(
            direction(usAsSeenByPartner)
                .setAllHarms(false)
                .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
                .setRetentionDays(30))
        .build();
  }
}
