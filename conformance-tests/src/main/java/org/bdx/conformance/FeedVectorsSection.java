package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.FeedVectors.bool;
import static org.bdx.conformance.FeedVectors.number;
import static org.bdx.conformance.FeedVectors.string;
import static org.bdx.conformance.FeedVectors.strings;
import static org.bdx.conformance.FeedVectors.struct;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bdx.conformance.FeedVectors.Case;
import org.bdx.conformance.FeedVectors.Step;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.ReceivedCopy;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;

/**
 * spec/vectors/feed.json against the node under test (spec CONF-6): for each case, the suite plays
 * each partner of the case with a fresh key and an agreement whose terms to the node are the
 * case's, delivers each item over the federation transport with the substitutions of {@link
 * FeedVectors.Run}, and after each step compares what the node serves ({@code GetAlert}, {@code
 * SearchAlerts} by phone number) and counts ({@code inbound_rejected}, {@code inbound_stale}) with
 * the step's outcome and held state. Reason names are not visible through the APIs. Cases that need
 * the receiver's exact clock or its key are skipped, named. Runs last: each case adds partners of
 * its own and retires them after.
 */
abstract class FeedVectorsSection extends ConformanceSection {
  FeedVectorsSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @TestFactory
  @Order(100)
  @DisplayName("FEED-8, FEED-9, VER-6, CONF-6: spec/vectors/feed.json")
  Stream<DynamicTest> feedVectors() {
    List<Case> cases = FeedVectors.load();
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      int n = i;
      tests.add(
          DynamicTest.dynamicTest(
              "FEED-8, FEED-9, VER-6: feed.json " + c.name(), () -> runCase(n, c)));
    }
    return tests.stream();
  }

  private void runCase(int index, Case c) throws Exception {
    federation();
    if (!c.requires().isEmpty()) {
      Assumptions.abort(
          "needs "
              + String.join(" and ", c.requires())
              + ", which the suite cannot set on a node (spec/vectors/README.md)");
    }
    long shift = System.currentTimeMillis() / 1000 - c.now();
    Map<String, SuiteNode> nodes = new LinkedHashMap<>();
    try {
      for (FeedVectors.Partner p : c.partners()) {
        nodes.put(
            p.name(), partnerWithTerms(String.format("fv%02d-%s", index, p.name()), p.inbound()));
      }
      Map<String, SpecCrypto.Keys> keys = new HashMap<>();
      Map<String, String> agreements = new HashMap<>();
      for (String party : c.parties().values()) {
        SuiteNode node = nodes.get(party);
        keys.put(party, node != null ? node.keys : SpecCrypto.Keys.generate());
        if (node != null) {
          agreements.put(party, node.agreementId);
        }
      }
      FeedVectors.Run r = new FeedVectors.Run(c, keys, agreements, shift, info.getNodeId());
      List<String> phones = phones(c);
      for (int i = 0; i < c.steps().size(); i++) {
        Step s = c.steps().get(i);
        String at = c.name() + " step " + i;
        SuiteNode from = nodes.get(s.from());
        PartnerStatus before = partnerStatus(from);
        from.deliver(List.of(r.item(s)));
        PartnerStatus after = partnerStatus(from);
        boolean rejected = s.outcome().equals("rejected");
        boolean stale = s.outcome().equals("stale");
        assertThat(after.getInboundRejected() - before.getInboundRejected())
            .as("%s (%s%s): inbound_rejected grows by", at, s.outcome(), reason(s))
            .isEqualTo(rejected ? 1 : 0);
        assertThat(after.getInboundStale() - before.getInboundStale())
            .as("%s (%s): inbound_stale grows by", at, s.outcome())
            .isEqualTo(stale ? 1 : 0);
        String[] alert = r.alert(s);
        assertHeld(at, r, s.held(), get(alert[0], alert[1]));
        boolean searchable =
            s.held() != null
                && !bool(s.held(), "tombstone")
                && struct(s.held(), "fields_json").containsFields("phone_numbers");
        for (String phone : phones) {
          assertThat(found(phone, alert[0], alert[1]))
              .as("%s: SearchAlerts by phone finds the alert", at)
              .isEqualTo(searchable);
        }
      }
    } finally {
      for (SuiteNode n : nodes.values()) {
        retire(n);
      }
    }
  }

  private static String reason(Step s) {
    return s.reason() == null ? "" : " " + s.reason();
  }

  /** Compares what GetAlert serves with the step's held state (spec/vectors/README.md). */
  private static void assertHeld(
      String at, FeedVectors.Run r, Struct held, Optional<AlertView> view) throws Exception {
    if (held == null) {
      assertThat(view).as("%s: GetAlert finds nothing", at).isEmpty();
      return;
    }
    assertThat(view).as("%s: GetAlert finds the alert", at).isPresent();
    AlertView v = view.get();
    assertThat(v.getVersion()).as("%s: version", at).isEqualTo(number(held, "version"));
    assertThat(v.getStatus().name()).as("%s: status", at).isEqualTo(string(held, "status"));
    assertThat(v.getTombstone()).as("%s: tombstone", at).isEqualTo(bool(held, "tombstone"));
    assertThat(v.getDisclosedPathsList())
        .as("%s: disclosed_paths", at)
        .containsExactlyElementsOf(strings(held, "disclosed_paths"));
    AlertFields.Builder fields = AlertFields.newBuilder();
    JsonFormat.parser().merge(JsonFormat.printer().print(struct(held, "fields_json")), fields);
    assertThat(v.getFields()).as("%s: fields", at).isEqualTo(fields.build());
    Map<String, String> expected = new TreeMap<>();
    Struct copies = struct(held, "copies");
    for (String party : copies.getFieldsMap().keySet()) {
      Struct o = struct(copies, party);
      expected.put(r.nodeId(party), number(o, "version") + " " + strings(o, "disclosed_paths"));
    }
    Map<String, String> served = new TreeMap<>();
    for (ReceivedCopy rc : v.getReceivedThroughList()) {
      served.put(
          rc.getNodeId(),
          rc.getVersion() + " " + List.copyOf(new TreeSet<>(rc.getDisclosedPathsList())));
    }
    assertThat(served)
        .as("%s: received_through (node id -> version and paths)", at)
        .isEqualTo(expected);
  }

  /** Every phone number any step of the case holds: searched after each step. */
  private static List<String> phones(Case c) {
    TreeSet<String> out = new TreeSet<>();
    for (Step s : c.steps()) {
      if (s.held() != null && struct(s.held(), "fields_json").containsFields("phone_numbers")) {
        out.addAll(strings(struct(s.held(), "fields_json"), "phone_numbers"));
      }
    }
    return List.copyOf(out);
  }

  private Optional<AlertView> get(String origin, String alertId) {
    try {
      return Optional.of(
          client()
              .getAlert(
                  GetAlertRequest.newBuilder().setOriginNodeId(origin).setAlertId(alertId).build())
              .getAlert());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private boolean found(String phone, String origin, String alertId) {
    return client()
        .searchAlerts(SearchAlertsRequest.newBuilder().setPhone(phone).setPageSize(500).build())
        .getAlertsList()
        .stream()
        .anyMatch(a -> a.getOriginNodeId().equals(origin) && a.getAlertId().equals(alertId));
  }
}
