package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's part for tests of the console over real HTTP: keeps the session cookie, reads the
 * CSRF token off a page, posts forms as the console's own pages would.
 */
final class ConsoleClient {
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final String base;
  private String cookie;

  ConsoleClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  HttpResponse<String> post(String path, Map<String, String> form)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * Posts {@code fields} (name, value, ...) with the session's CSRF token, read off {@code page}.
   */
  HttpResponse<String> postFrom(String page, String path, String... fields)
      throws IOException, InterruptedException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("csrf", csrf(page));
    for (int i = 0; i + 1 < fields.length; i += 2) {
      form.put(fields[i], fields[i + 1]);
    }
    return post(path, form);
  }

  /** Logs in with {@code credential}; the answer is the login's redirect. */
  HttpResponse<String> login(String credential) throws IOException, InterruptedException {
    HttpResponse<String> r =
        post(
            "/login",
            new LinkedHashMap<>(Map.of("csrf", csrf("/login"), "credential", credential)));
    assertThat(r.statusCode()).as("login").isEqualTo(303);
    return r;
  }

  String csrf(String page) throws IOException, InterruptedException {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(get(page).body());
    assertThat(m.find()).as("a CSRF token on " + page).isTrue();
    return m.group(1);
  }

  private HttpResponse<String> send(HttpRequest.Builder r)
      throws IOException, InterruptedException {
    if (cookie != null) {
      r.header("Cookie", cookie);
    }
    HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    for (String c : resp.headers().allValues("Set-Cookie")) {
      String pair = c.substring(0, c.indexOf(';'));
      cookie = pair.endsWith("=") ? null : pair;
    }
    return resp;
  }
}
