package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's main job: the demo must run and show exactly what was shared and withheld. */
class DemoTest {
  @Test
  void demo_showsWhatEachOrganizationReceivedAndWhatWasWithheld() {
    CliRun demo = CliRun.bdx("demo");
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
  }
}
