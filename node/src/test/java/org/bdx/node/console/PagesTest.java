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
    String card =
        pages.summary(ConsoleWords.english(), received().setSignedByCompromisedKey(true).build());

    assertThat(card)
        .contains("Caution: signed with a key East &lt;Outreach&gt; reported stolen")
        .doesNotContain("<Outreach>");
    assertThat(card.indexOf("Caution")).isLessThan(card.indexOf("Harbour"));
  }

  @Test
  void summary_ordinaryAlert_hasNoCaution() {
    assertThat(pages.summary(ConsoleWords.english(), received().build())).doesNotContain("Caution");
  }

  @Test
  void css_hidesTheVehicleFields_forEachIndoorSetting_andNoOther() {
    for (String w : ReportForm.INDOOR) {
      assertThat(Pages.css())
          .contains(
              "form:has(#work_setting option[value="
                  + w
                  + "]:checked) .vehicle:not(:has(input:not(:placeholder-shown)))");
    }
    assertThat(ReportForm.INDOOR).containsExactlyInAnyOrder("incall", "indoor");
    assertThat(Pages.css()).doesNotContain("option[value=street]").doesNotContain("outcall");
  }

  @Test
  void reportForm_vehicleFields_haveTheBlankPlaceholderTheStyleSheetTellsEmptinessBy() {
    String form = ReportForm.empty(ConsoleWords.english()).render("t", false);
    assertThat(form)
        .contains("<details class=\"vehicle\"><summary>Vehicle</summary>")
        .contains("id=\"vehicle_plate\" name=\"vehicle_plate\" value=\"\" placeholder=\" \"")
        .contains(
            "id=\"vehicle_description\" name=\"vehicle_description\" value=\"\" placeholder=\" \"");
    assertThat(
            ReportForm.of(
                    Form.parse("work_setting=incall&vehicle_plate=KXR"), ConsoleWords.english())
                .render("t", false))
        .contains("<details class=\"vehicle\" open>");
  }

  @Test
  void reportForm_offersDiscard_onlyWhenADraftIsKept() {
    assertThat(ReportForm.empty(ConsoleWords.english()).render("t", false))
        .contains("formaction=\"/report/draft\"")
        .doesNotContain("/report/discard");
    assertThat(ReportForm.empty(ConsoleWords.english()).render("t", true))
        .contains("formaction=\"/report/discard\"");
    // Enter in a field presses the first button: saving the report, not the draft.
    String form = ReportForm.empty(ConsoleWords.english()).render("t", true);
    assertThat(form.indexOf("Save the report and issue the warning"))
        .isLessThan(form.indexOf("Save draft"));
  }

  @Test
  void between_takesOnlyOneWholeSegment() {
    assertThat(ConsoleServer.between("/report/abc/purge", "/report/", "/purge")).isEqualTo("abc");
    assertThat(ConsoleServer.between("/report//purge", "/report/", "/purge")).isNull();
    assertThat(ConsoleServer.between("/report/a/b/purge", "/report/", "/purge")).isNull();
    assertThat(ConsoleServer.between("/report/purge", "/report/", "/purge")).isNull();
    assertThat(ConsoleServer.between("/alert/abc/update", "/report/", "/purge")).isNull();
  }

  @Test
  void toUpdate_sendsOnlyWhatChanged_andClearsWhatWasEmptied() {
    ReportForm current =
        ReportForm.ofAlert(
            AlertFields.newBuilder()
                .setAggressorDescription("tall")
                .setModusOperandi("park")
                .addPhoneNumbers("+16045550177")
                .build(),
            ConsoleWords.english());
    var u =
        ReportForm.of(
                Form.parse(
                    "aggressor_description=tall&modus_operandi=&phone_numbers=%2B1+604-555-0177"
                        + "&names_used=Dave&vehicle_plate=KXR"),
                ConsoleWords.english())
            .toUpdate("abc", current);
    assertThat(u.getAlertId()).isEqualTo("abc");
    assertThat(u.getClearList()).containsExactly("modus_operandi");
    assertThat(u.getChanges().getNamesUsedList()).containsExactly("Dave");
    assertThat(u.getChanges().getVehicle().getPlate()).isEqualTo("KXR");
    assertThat(u.getChanges().getAggressorDescription()).isEmpty();
    assertThat(u.getChanges().getPhoneNumbersList()).isEmpty();
    assertThat(ReportForm.changesNothing(u)).isFalse();
    assertThat(ReportForm.changesNothing(current.toUpdate("abc", current))).isTrue();
  }
}
