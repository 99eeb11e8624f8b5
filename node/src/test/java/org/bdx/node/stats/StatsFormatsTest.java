package org.bdx.node.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** Counts as text, CSV, PNG and SVG: every format says "fewer than 5", none the small number. */
class StatsFormatsTest {
  static final AlertCounts AREAS =
      new AlertCounts(
          LocalDate.parse("2026-01-01"),
          LocalDate.parse("2026-06-30"),
          Grouping.AREA,
          List.of(
              new Group("Downtown", Group.Kind.VALUE, Cell.of(12), Cell.of(3)),
              new Group("Strathcona, east", Group.Kind.VALUE, Cell.of(0), Cell.of(7)),
              new Group("=HYPERLINK(\"x\")", Group.Kind.VALUE, Cell.of(5), Cell.of(0)),
              new Group("", Group.Kind.NOT_KNOWN, Cell.of(0), Cell.of(9))));

  @Test
  void text_showsEachGroup_andSaysFewerThanFive_andTheRule() {
    String text = StatsText.render(AREAS);
    assertThat(text)
        .startsWith("Alerts by area, 2026-01-01 to 2026-06-30\n")
        .contains("Counts from 1 to 4 are shown as \"fewer than 5\"")
        .containsPattern("Downtown +12 +fewer than 5\n")
        .containsPattern("area not known +0 +9\n");
  }

  @Test
  void text_noGroups_saysSo() {
    assertThat(StatsText.render(new AlertCounts(null, null, Grouping.MONTH, List.of())))
        .contains("Alerts by month, all dates", "No alerts in this period.");
  }

  @Test
  void csv_oneRowPerGroup_quoted_andAFormulaIsNotRun() {
    String csv = StatsCsv.render(AREAS);
    assertThat(csv.split("\r\n"))
        .containsExactly(
            "area,own,received",
            "Downtown,12,fewer than 5",
            "\"Strathcona, east\",0,7",
            "\"'=HYPERLINK(\"\"x\"\")\",5,0",
            "area not known,0,9");
  }

  @Test
  void png_isAPngOfTheChartsSize() throws Exception {
    byte[] png = StatsChart.png(AREAS);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(StatsChart.size(AREAS).width);
    assertThat(image.getHeight()).isEqualTo(StatsChart.size(AREAS).height);
    // Drawn, not blank: the two series' colours are there.
    assertThat(holds(image, StatsChart.OWN.getRGB())).isTrue();
    assertThat(holds(image, StatsChart.RECEIVED.getRGB())).isTrue();
  }

  @Test
  void svg_isWellFormed_withTheTitle_theSuppressedBarLabelled_andItsHatching() throws Exception {
    String svg = new String(StatsChart.svg(AREAS), StandardCharsets.UTF_8);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes()));
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    List<String> texts = texts(doc);
    assertThat(texts)
        .contains("Alerts by area, 2026-01-01 to 2026-06-30", "Number of alerts", "<5")
        .contains("12", "7", "9", "Downtown", "area not known");
    assertThat(String.join(" ", texts)).contains("fewer than 5 alerts");
    // The hatching: lines in the received series' colour, several for the one hatched bar.
    String received =
        "stroke:rgb("
            + StatsChart.RECEIVED.getRed()
            + ","
            + StatsChart.RECEIVED.getGreen()
            + ","
            + StatsChart.RECEIVED.getBlue()
            + ")";
    long hatch =
        svg.lines()
            .flatMap(l -> java.util.Arrays.stream(l.split("<line")))
            .filter(l -> l.contains(received))
            .count();
    assertThat(hatch).isGreaterThan(5);
  }

  @Test
  void chart_withManyMonths_growsWide_andStillDraws() throws Exception {
    List<Group> months = new ArrayList<>();
    for (int m = 1; m <= 24; m++) {
      months.add(
          new Group(
              String.format("%d-%02d", 2025 + (m - 1) / 12, (m - 1) % 12 + 1),
              Group.Kind.VALUE,
              Cell.of(m % 7),
              Cell.of(m)));
    }
    AlertCounts c = new AlertCounts(null, null, Grouping.MONTH, months);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(StatsChart.png(c)));
    assertThat(image.getWidth()).isGreaterThan(1000);
  }

  private static boolean holds(BufferedImage image, int rgb) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> texts(Document doc) {
    NodeList nodes = doc.getElementsByTagName("text");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent());
    }
    return out;
  }
}
