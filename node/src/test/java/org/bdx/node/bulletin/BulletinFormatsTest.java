package org.bdx.node.bulletin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.Test;

/**
 * What the text and HTML formats show, and that partners' text cannot act on the reader (BUL-5).
 */
class BulletinFormatsTest {
  static final String HOSTILE =
      "<script>alert(1)</script> tall \u202Eman\u202C \u001b[2J grey \"coat\" & 'hat'";

  static Bulletin bulletin(String description, String footer) {
    AlertFields f =
        AlertFields.newBuilder()
            .setIncidentDate("2026-11-05")
            .setTimeOfDay(TimeOfDay.TIME_OF_DAY_EVENING)
            .setArea("Downtown")
            .setWorkSetting(WorkSetting.WORK_SETTING_STREET)
            .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .setSeverity(Severity.SEVERITY_HIGH)
            .setAggressorDescription(description)
            .addPhoneNumbers("+16045550123")
            .setVehiclePlate("ABC123")
            .addOnlineHandles("@badguy")
            .build();
    return new Bulletin(
        "Night <Shift> Collective",
        LocalDate.parse("2026-11-01"),
        "",
        LocalDate.parse("2026-12-01"),
        List.of(new BulletinArea("Downtown", List.of(new BulletinEntry(f, true, "")))),
        footer);
  }

  static String text(Bulletin b, String lang) {
    return new String(new TextBulletin().render(b, BulletinWords.of(lang)), StandardCharsets.UTF_8);
  }

  static String html(Bulletin b, String lang) {
    return new String(new HtmlBulletin().render(b, BulletinWords.of(lang)), StandardCharsets.UTF_8);
  }

  @Test
  void html_escapesMarkup_andNeutralisesBidiAndControls() {
    String page = html(bulletin(HOSTILE, ""), "en");
    assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(page).contains("&quot;coat&quot; &amp; &#39;hat&#39;");
    assertThat(page).doesNotContain("\u202E").doesNotContain("\u001b").contains("\\u202E");
    assertThat(page).contains("Night &lt;Shift&gt; Collective");
    assertThat(page.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
  }

  @Test
  void text_neutralisesBidiAndControls_andKeepsEachFieldOnItsLine() {
    String sheet = text(bulletin(HOSTILE + "\nPhone: +1 000 FORGED", ""), "en");
    assertThat(sheet).doesNotContain("\u202E").doesNotContain("\u001b").contains("\\u202E");
    assertThat(sheet.lines()).noneMatch(l -> l.strip().startsWith("Phone: +1 000"));
    assertThat(sheet.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
  }

  @Test
  void both_showHarmsIdentifiersAndTheUpdatedMark_withNoIds() {
    Bulletin b = bulletin("tall", "");
    String sheet = text(b, "en");
    assertThat(sheet)
        .contains("BAD DATE WARNINGS", "PHYSICAL ASSAULT AND ROBBERY", "Phone: +1 604-555-0123")
        .contains("Plate: ABC123", "Online: @badguy", "[UPDATED]", "Nov 5, 2026 · evening · street")
        .contains("Incidents since Nov 1, 2026", "December 1, 2026", "1 warning")
        .contains("Had a bad date?");
    String page = html(b, "en");
    assertThat(page)
        .contains("<p class=\"harms\">physical assault and robbery</p>")
        .contains("<bdi>+1 604-555-0123</bdi>", "<bdi>ABC123</bdi>", "<bdi>@badguy</bdi>")
        .contains("class=\"updated\">Updated<", "<html lang=\"en\">");
    assertThat(page).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void translated_wordsAppear_freeTextStaysAsWritten() {
    Bulletin b = bulletin("grand, manteau gris", "");
    assertThat(html(b, "fr")).contains("agression physique", "Mis à jour", "grand, manteau gris");
    assertThat(text(b, "vi")).contains("HÀNH HUNG", "grand, manteau gris");
    assertThat(html(b, "zh-Hant")).contains("身體攻擊和搶劫", "<html lang=\"zh-Hant\">");
    assertThat(html(b, "pa")).contains("ਸਰੀਰਕ ਹਮਲਾ");
  }

  @Test
  void footer_isTheSettingWhenGiven_elseTheLanguagesDefault() {
    assertThat(text(bulletin("x", "Text 555-0100 <b>now</b>"), "fr"))
        .contains("Text 555-0100 <b>now</b>");
    assertThat(html(bulletin("x", "Text 555-0100 <b>now</b>"), "fr"))
        .contains("Text 555-0100 &lt;b&gt;now&lt;/b&gt;");
    assertThat(text(bulletin("x", ""), "es")).contains("¿Tuviste un mal cliente?");
  }

  @Test
  void repeatMark_shownInTheBulletinsLanguage_onlyWhenLinked() {
    Bulletin plain = bulletin("tall", "");
    BulletinEntry one = plain.areas().get(0).entries().get(0);
    Bulletin repeat =
        new Bulletin(
            plain.organization(),
            plain.since(),
            plain.area(),
            plain.madeOn(),
            List.of(
                new BulletinArea(
                    "Downtown", List.of(new BulletinEntry(one.shown(), false, "", true)))),
            plain.footer());
    assertThat(text(repeat, "en")).contains("[REPORTED MORE THAN ONCE]");
    assertThat(html(repeat, "en")).contains(">Reported more than once<");
    assertThat(html(repeat, "fr")).contains("Signalé plusieurs fois");
    assertThat(text(repeat, "zh-Hans")).contains("多次被举报");
    assertThat(text(plain, "en")).doesNotContain("MORE THAN ONCE");
    assertThat(html(plain, "en")).doesNotContain("more than once");
  }
}
