package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job: the demo must run and show exactly what was shared and withheld. */
class DemoTest {
  @TempDir Path bulletins;

  @Test
  void demo_showsWhatEachOrganizationReceivedAndWhatWasWithheld() throws Exception {
    CliRun demo = CliRun.bdx("demo", "--bulletins", bulletins.toString());
    assertThat(demo.exitCode()).as(demo.toString()).isZero();
    assertThat(demo.out())
        .contains("North Peers holds 3 of East's 3 alerts")
        .contains("City Police Liaison holds 1 of East's 3 alerts")
        .contains("received: area, harms, incident_date, severity")
        .contains("withheld: aggressor_description, phone_numbers, work_setting")
        .contains("(audience peer): not sent; the reporter did not choose this class")
        .contains("(audience support): not sent; the reporter did not choose this class")
        .containsPattern("north +peer +active +connected")
        .doesNotContain("The reporter's own words");

    // It ends with each organization's bulletin of what it holds, and only that.
    assertThat(demo.out()).contains("Wrote a bulletin of 3 warnings to").doesNotContain("No PDF");
    assertThat(text("east")).contains("East Outreach", "Strathcona", "Downtown East");
    assertThat(text("north")).contains("North Peers", "grey beard", "Strathcona");
    assertThat(text("liaison"))
        .contains("City Police Liaison", "robbery", "1 warning")
        .doesNotContain("Heavy build")
        .doesNotContain("604")
        .doesNotContain("stealthing");
  }

  private String text(String org) throws Exception {
    try (PDDocument d = Loader.loadPDF(bulletins.resolve(org + ".pdf").toFile())) {
      return new PDFTextStripper().getText(d).replaceAll("\\s+", " ");
    }
  }
}
