package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.bdx.node.search.PhoneNumbers;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.HarmCategory;
import org.junit.jupiter.api.Test;

class PagesTest {
  private final Pages pages = new Pages(new PhoneNumbers("CA"));

  private static AlertView.Builder received() {
    return AlertView.newBuilder()
        .setAlertId("abc")
        .setOriginNodeId("bdxorigin")
        .setOriginName("East <Outreach>")
        .setFields(
            AlertFields.newBuilder()
                .setArea("Harbour")
                .setIncidentDate("2026-11-20")
                .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY));
  }

  @Test
  void summary_alertSignedByARevokedKey_saysCautionBeforeTheContent() {
    String card = pages.summary(received().setSignedByCompromisedKey(true).build());

    assertThat(card)
        .contains("Caution: signed with a key East &lt;Outreach&gt; reported stolen")
        .doesNotContain("<Outreach>");
    assertThat(card.indexOf("Caution")).isLessThan(card.indexOf("Harbour"));
  }

  @Test
  void summary_ordinaryAlert_hasNoCaution() {
    assertThat(pages.summary(received().build())).doesNotContain("Caution");
  }
}
