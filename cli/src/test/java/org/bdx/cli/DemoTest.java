package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job: the demo must run and show exactly what was shared and withheld. */
class DemoTest {
  private static final Pattern CONSOLE = Pattern.compile("^(.+): (http://127\\.0\\.0\\.1:\\d+)/$");
  private static final Pattern COORDINATOR =
      Pattern.compile("^  log in as its coordinator with the credential in (\\S+admin\\.token)$");

  @TempDir Path bulletins;

  @Test
  void demo_showsWhatEachOrganizationReceivedAndWhatWasWithheld() throws Exception {
    CliRun demo = CliRun.bdx("demo", "--no-wait", "--bulletins", bulletins.toString());
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

    // And says where each organization's console is and how to log in; --no-wait ends there.
    assertThat(demo.out())
        .containsPattern("(?m)^East Outreach: http://127\\.0\\.0\\.1:\\d+/$")
        .containsPattern("(?m)^North Peers: http://127\\.0\\.0\\.1:\\d+/$")
        .containsPattern("(?m)^City Police Liaison: http://127\\.0\\.0\\.1:\\d+/$")
        .containsPattern("(?m)^  or as intake staff with the one in \\S+client\\.token$")
        .doesNotContain("until you press Ctrl-C")
        .contains("Demo done.");
  }

  /**
   * As a person runs it: the demo keeps the nodes and consoles open, each console takes the
   * coordinator credential the demo names, and Ctrl-C (SIGINT) stops everything and removes the
   * directories.
   */
  @Test
  void demo_keepsTheConsolesOpenUntilCtrlC_thenStopsThemAndCleansUp() throws Exception {
    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Bdx.class.getName(),
                "demo",
                "--bulletins",
                bulletins.toString())
            .redirectErrorStream(true)
            .start();
    StringBuilder seen = new StringBuilder();
    List<String> consoles = new ArrayList<>();
    List<Path> credentials = new ArrayList<>();
    try {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
      boolean open = false;
      for (String l; !open && (l = lines.readLine()) != null; ) {
        seen.append(l).append('\n');
        Matcher c = CONSOLE.matcher(l);
        if (c.matches()) {
          consoles.add(c.group(2));
        }
        Matcher k = COORDINATOR.matcher(l);
        if (k.matches()) {
          credentials.add(Path.of(k.group(1)));
        }
        open = l.contains("stay open until you press Ctrl-C");
      }
      assertThat(open).as(seen.toString()).isTrue();
      assertThat(consoles).hasSize(3);
      assertThat(credentials).hasSize(3);

      // East's coordinator logs in to East's console with the credential the demo named.
      String east = consoles.get(0);
      assertThat(seen.toString()).contains("East Outreach: " + east + "/");
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
      HttpResponse<String> login =
          http.send(
              HttpRequest.newBuilder(URI.create(east + "/login")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(login.body());
      assertThat(csrf.find()).isTrue();
      HttpResponse<String> in =
          http.send(
              HttpRequest.newBuilder(URI.create(east + "/login"))
                  .header("Cookie", cookie)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "csrf="
                              + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
                              + "&credential="
                              + URLEncoder.encode(
                                  Files.readString(credentials.get(0)).strip(),
                                  StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(in.statusCode()).isEqualTo(303);
      String session = in.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      String network =
          http.send(
                  HttpRequest.newBuilder(URI.create(east + "/network"))
                      .header("Cookie", session)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(network).contains("<h3>north</h3>").contains("<h3>liaison</h3>");

      new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor();
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo stops on Ctrl-C").isTrue();
      for (String l; (l = lines.readLine()) != null; ) {
        seen.append(l).append('\n');
      }
    } finally {
      demo.destroyForcibly();
    }
    // 130: ended by SIGINT, the shell's convention for Ctrl-C.
    assertThat(demo.exitValue()).as(seen.toString()).isEqualTo(130);
    assertThat(seen.toString())
        .contains("Stopped the demo's nodes and consoles and removed their directories.");
    assertThat(credentials).allSatisfy(p -> assertThat(p.getParent().getParent()).doesNotExist());
  }

  private String text(String org) throws Exception {
    try (PDDocument d = Loader.loadPDF(bulletins.resolve(org + ".pdf").toFile())) {
      return new PDFTextStripper().getText(d).replaceAll("\\s+", " ");
    }
  }
}
