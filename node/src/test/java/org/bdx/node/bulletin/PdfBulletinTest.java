package org.bdx.node.bulletin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bdx.node.error.BdxException;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PDF bulletins (BUL-6) read back with PDFBox: in every language the translated words are there, no
 * glyph is the .notdef box, and every font is embedded as a subset. Needs the fonts of {@link
 * BulletinFonts} under /usr/share/fonts ({@code scripts/test} installs them).
 *
 * <p>Set {@code -Dbulletin.pdf.dir=DIR} to keep the PDFs made, one per language, for looking at.
 */
class PdfBulletinTest {
  static final String CONTACT = "Qzbupdfcontact";

  /** Free text as a reporter in each language might write it; the rest is the bundles'. */
  static final Map<String, String> DESCRIPTIONS =
      Map.of(
          "vi", "Đàn ông khoảng 40 tuổi, râu xám, hình xăm con rắn",
          "zh-Hans", "四十岁左右的男子，灰色胡子，手臂有蛇纹身",
          "zh-Hant", "四十歲左右的男子，灰色鬍子，手臂有蛇紋身",
          "ko", "40대 남성, 회색 수염, 팔에 뱀 문신",
          "th", "ผู้ชายอายุประมาณสี่สิบปี หนวดสีเทา มีรอยสักรูปงู",
          "pa", "ਲਗਭਗ ਚਾਲੀ ਸਾਲ ਦਾ ਆਦਮੀ, ਸਲੇਟੀ ਦਾੜ੍ਹੀ, ਬਾਂਹ ਤੇ ਸੱਪ ਦਾ ਟੈਟੂ",
          "fr", "Homme d'environ 40 ans, barbe grise, tatouage de serpent",
          "es", "Hombre de unos 40 años, barba gris, tatuaje de serpiente");

  static Bulletin sample(String lang) {
    String description =
        DESCRIPTIONS.getOrDefault(lang, "Man about 40, grey beard, snake tattoo on his arm");
    AlertFields newest =
        AlertFields.newBuilder()
            .setIncidentDate("2026-11-28")
            .setTimeOfDay(TimeOfDay.TIME_OF_DAY_NIGHT)
            .setArea("Downtown East")
            .setWorkSetting(WorkSetting.WORK_SETTING_OUTCALL)
            .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
            .addHarms(HarmCategory.HARM_CATEGORY_REFUSED_PAYMENT)
            .setSeverity(Severity.SEVERITY_HIGH)
            .setAggressorDescription(description)
            .addPhoneNumbers("+16045550123")
            .setVehiclePlate("ABC 123")
            .setVehicleDescription("Silver Honda Civic, dented rear door")
            .addOnlineHandles("@grey_beard_40")
            .setModusOperandi("Books hotel outcalls, then refuses to pay")
            .setReporterContact(CONTACT)
            .build();
    AlertFields older =
        AlertFields.newBuilder()
            .setIncidentDate("2026-11-14")
            .setTimeOfDay(TimeOfDay.TIME_OF_DAY_EVENING)
            .setArea("Downtown East")
            .setWorkSetting(WorkSetting.WORK_SETTING_STREET)
            .addHarms(HarmCategory.HARM_CATEGORY_THREAT_WITH_WEAPON)
            .setSeverity(Severity.SEVERITY_CRITICAL)
            .setAggressorDescription("Young man, black hoodie, shows a knife")
            .addPhoneNumbers("+16045550199")
            .build();
    AlertFields harbour =
        AlertFields.newBuilder()
            .setIncidentDate("2026-11-20")
            .setTimeOfDay(TimeOfDay.TIME_OF_DAY_AFTERNOON)
            .setArea("Harbour")
            .setWorkSetting(WorkSetting.WORK_SETTING_INCALL)
            .addHarms(HarmCategory.HARM_CATEGORY_STEALTHING)
            .addHarms(HarmCategory.HARM_CATEGORY_TIME_WASTING)
            .setSeverity(Severity.SEVERITY_MODERATE)
            .addOnlineHandles("sweetjohn77")
            .setAggressorDescription(description)
            .build();
    AlertFields nowhere =
        AlertFields.newBuilder()
            .setIncidentDate("2026-11-09")
            .addHarms(HarmCategory.HARM_CATEGORY_STALKING)
            .setSeverity(Severity.SEVERITY_LOW)
            .setVehiclePlate("XYZ 789")
            .build();
    return new Bulletin(
        "Night Shift Collective",
        LocalDate.parse("2026-11-01"),
        "",
        LocalDate.parse("2026-12-01"),
        List.of(
            new BulletinArea(
                "Downtown East",
                List.of(
                    new BulletinEntry(BulletinMaker.shown(newest, allPaths(), fields()), true, ""),
                    new BulletinEntry(older, false, ""))),
            new BulletinArea("Harbour", List.of(new BulletinEntry(harbour, false, ""))),
            new BulletinArea("", List.of(new BulletinEntry(nowhere, false, "")))),
        "");
  }

  private static java.util.Set<String> allPaths() {
    java.util.Set<String> all = new java.util.HashSet<>();
    AlertFields.getDescriptor().getFields().forEach(f -> all.add(f.getName()));
    return all;
  }

  private static List<String> fields() {
    List<String> f = new ArrayList<>(BulletinSettings.DEFAULT_FIELDS);
    f.add("reporter_contact"); // asked for by mistake: never shown all the same
    return f;
  }

  static byte[] pdf(Bulletin b, String lang) throws Exception {
    byte[] pdf = new PdfBulletin(BulletinFonts.DEFAULT_DIR).render(b, BulletinWords.of(lang));
    String keep = System.getProperty("bulletin.pdf.dir");
    if (keep != null) {
      Files.createDirectories(Path.of(keep));
      Files.write(Path.of(keep, "bulletin-" + lang + ".pdf"), pdf);
    }
    return pdf;
  }

  /**
   * What the reader should find, as the PDF draws it (Gurmukhi in drawing order), without the
   * nonspacing marks: PDFBox attaches a mark to whichever letter it overlaps most, which in small
   * type is at times the next one (ਹੋ; is read back as ਹ;ੋ). The marks are drawn all the same: no
   * .notdef glyph is checked separately.
   */
  static String expected(String s) {
    return unmarked(PdfReading.squeeze(GurmukhiOrder.visual(s)));
  }

  static String unmarked(String s) {
    return s.replaceAll("\\p{Mn}", "").toLowerCase(Locale.ROOT);
  }

  @Test
  void everyLanguage_showsItsWords_withNoBox_andEveryFontEmbeddedAsASubset() throws Exception {
    for (String lang : BulletinWords.LANGUAGES) {
      BulletinWords w = BulletinWords.of(lang);
      Bulletin b = sample(lang);
      PdfReading r = PdfReading.of(pdf(b, lang));
      String found = unmarked(r.squeezed());
      List<String> words =
          List.of(
              w.word("title"),
              w.harm(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT),
              w.harm(HarmCategory.HARM_CATEGORY_THREAT_WITH_WEAPON),
              w.harm(HarmCategory.HARM_CATEGORY_STEALTHING),
              w.setting(WorkSetting.WORK_SETTING_OUTCALL),
              w.time(TimeOfDay.TIME_OF_DAY_NIGHT),
              w.severity(Severity.SEVERITY_CRITICAL),
              w.word("label.phones"),
              w.word("label.plate"),
              w.word("area.unknown"),
              w.word("updated"),
              w.word("footer.heading"),
              w.word("footer.default"),
              w.count(4),
              w.date(LocalDate.parse("2026-11-28")),
              w.longDate(LocalDate.parse("2026-12-01")),
              DESCRIPTIONS.getOrDefault(lang, "snake tattoo"),
              "+1 604-555-0123",
              "ABC 123",
              "@grey_beard_40",
              "Night Shift Collective");
      for (String word : words) {
        assertThat(found).as("%s: %s", lang, word).contains(expected(word));
      }
      assertThat(r.notdef()).as(lang + ": glyphs drawn as .notdef").isEmpty();
      assertThat(r.unembedded()).as(lang + ": fonts not embedded").isEmpty();
      assertThat(r.fonts()).as(lang).isNotEmpty().allMatch(f -> f.matches(PdfReading.SUBSET_NAME));
      assertThat(r.text()).as(lang).doesNotContain(CONTACT);
    }
  }

  @Test
  void everyPage_saysWhoseBulletinItIs_howToReport_andItsNumber() throws Exception {
    List<String> pages = PdfReading.pageTexts(pdf(sample("en"), "en"));
    assertThat(pages).hasSizeGreaterThan(1);
    for (int i = 0; i < pages.size(); i++) {
      String page = pages.get(i).replaceAll("\\s+", " ");
      assertThat(page)
          .as("page %d", i + 1)
          .contains("Made by Night Shift Collective on December 1, 2026")
          .contains("Had a bad date? Tell us in confidence")
          .contains((i + 1) + " / " + pages.size());
    }
  }

  @Test
  void rendering_logsNothingOfThePage() throws Exception {
    List<String> logged = new ArrayList<>();
    java.util.logging.Handler h =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            logged.add(r.getLoggerName() + ": " + r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.Level before = root.getLevel();
    root.addHandler(h);
    // As a node logs: INFO and above.
    root.setLevel(java.util.logging.Level.INFO);
    try {
      pdf(sample("th"), "th");
    } finally {
      root.removeHandler(h);
      root.setLevel(before);
    }
    assertThat(logged).isEmpty();
  }

  @Test
  void eachScript_isDrawnInItsOwnFont() throws Exception {
    Map<String, String> font =
        Map.of(
            "en", "NotoSans-",
            "vi", "NotoSans-",
            "th", "NotoSansThai",
            "pa", "NotoSansGurmukhi",
            "zh-Hans", "WenQuanYi",
            "zh-Hant", "WenQuanYi",
            "ko", "WenQuanYi");
    for (Map.Entry<String, String> e : font.entrySet()) {
      PdfReading r = PdfReading.of(pdf(sample(e.getKey()), e.getKey()));
      assertThat(r.fonts()).as(e.getKey()).anyMatch(f -> f.contains(e.getValue()));
    }
  }

  @Test
  void aMissingFontDirectory_isAClearError_namingThePackagesToInstall(@TempDir Path empty) {
    assertThatThrownBy(
            () ->
                new PdfBulletin(empty.resolve("nowhere"))
                    .render(sample("en"), BulletinWords.of("en")))
        .isInstanceOf(BdxException.class)
        .satisfies(
            e ->
                assertThat(((BdxException) e).kind())
                    .isEqualTo(BdxException.Kind.FAILED_PRECONDITION))
        .hasMessageContaining("NotoSans-Regular.ttf")
        .hasMessageContaining("wqy-zenhei.ttc")
        .hasMessageContaining(empty.resolve("nowhere").toString())
        .hasMessageContaining("apt-get install fonts-noto-core fonts-wqy-zenhei")
        .hasMessageContaining("bulletin.fonts");
  }

  @Test
  void aFontMissingFromTheDirectory_namesOnlyItsPackage(@TempDir Path dir) throws Exception {
    for (BulletinFonts.Face f : BulletinFonts.FACES) {
      if (!f.debianPackage().equals("fonts-wqy-zenhei")) {
        Path from = BulletinFontsTestSupport.installed(f.file());
        Files.createSymbolicLink(dir.resolve(f.file()), from);
      }
    }
    assertThatThrownBy(() -> BulletinFonts.in(dir))
        .hasMessageContaining("wqy-zenhei.ttc not found")
        .hasMessageContaining("apt-get install fonts-wqy-zenhei)")
        .hasMessageNotContaining("NotoSans");
  }

  @Test
  void partnersText_cannotBreakThePage_andUncoveredCharactersAreNoBox() throws Exception {
    AlertFields hostile =
        AlertFields.newBuilder()
            .setIncidentDate("2026-11-28")
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .setAggressorDescription(
                "</p><script>x</script> \uFFFF \uD800 ]]> &amp; \u202Eevil 😀 مرحبا ☎")
            .build();
    Bulletin b =
        new Bulletin(
            "Org",
            LocalDate.parse("2026-11-01"),
            "",
            LocalDate.parse("2026-12-01"),
            List.of(new BulletinArea("A", List.of(new BulletinEntry(hostile, false, "")))),
            "");
    PdfReading r =
        PdfReading.of(new PdfBulletin(BulletinFonts.DEFAULT_DIR).render(b, BulletinWords.of("en")));
    assertThat(r.squeezed()).contains("</p><script>x</script>", "]]>&amp;", "\\u202Eevil");
    // A character no bulletin font has (an emoji, Arabic) is drawn as '#', never as a box.
    assertThat(r.squeezed()).contains("evil######☎");
    assertThat(r.notdef()).isEmpty();
  }

  @Test
  void gurmukhiSihari_isDrawnBeforeItsConsonantCluster() {
    assertThat(GurmukhiOrder.visual("ਕਿਸੇ")).isEqualTo("ਿਕਸੇ");
    assertThat(GurmukhiOrder.visual("ਪ੍ਰਿਆ")).isEqualTo("ਿਪ੍ਰਆ");
    assertThat(GurmukhiOrder.visual("\u0A1C\u0A3C\u0A3F\u0A32\u0A4D\u0A39\u0A3E"))
        .isEqualTo("\u0A3F\u0A5B\u0A32\u0A4D\u0A39\u0A3E");
    assertThat(GurmukhiOrder.visual("ਿ x")).isEqualTo("ਿ x");
    assertThat(GurmukhiOrder.visual("plain")).isEqualTo("plain");
  }

  @Test
  void gurmukhiNukta_isDrawnAsThePrecomposedLetter() {
    // As NFC leaves them: consonant, then nukta.
    assertThat(GurmukhiOrder.visual("\u0A16\u0A3C\u0A24\u0A30")).isEqualTo("\u0A59\u0A24\u0A30");
    assertThat(GurmukhiOrder.visual("\u0A2B\u0A3C\u0A4B\u0A28")).isEqualTo("\u0A5E\u0A4B\u0A28");
    assertThat(GurmukhiOrder.visual("\u0A38\u0A3C\u0A3F")).isEqualTo("\u0A3F\u0A36");
    // A nukta on a letter with no precomposed form stays as written.
    assertThat(GurmukhiOrder.visual("\u0A15\u0A3C")).isEqualTo("\u0A15\u0A3C");
  }
}
