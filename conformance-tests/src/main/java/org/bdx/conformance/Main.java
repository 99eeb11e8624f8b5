package org.bdx.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the conformance suite against any node (spec CONF-1, CONF-5):
 *
 * <pre>
 * java -jar bdx-conformance.jar --endpoint HOST:PORT --admin-token-file FILE
 *     [--federation-endpoint HOST:PORT] [--listen HOST]
 * </pre>
 *
 * Prints {@code PASS}, {@code FAIL} or {@code SKIP} with the requirement ids of each check, then
 * the totals; exits 1 if a check failed, 2 on a usage error.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  static int run(String[] args, PrintStream out) {
    String endpoint = null;
    String tokenFile = null;
    String federation = null;
    String listen = "127.0.0.1";
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--endpoint" -> endpoint = args[++i];
          case "--admin-token-file" -> tokenFile = args[++i];
          case "--federation-endpoint" -> federation = args[++i];
          case "--listen" -> listen = args[++i];
          case "-h", "--help" -> {
            usage(out);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (endpoint == null || tokenFile == null) {
        throw new IllegalArgumentException("--endpoint and --admin-token-file are required");
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      out.println("bdx-conformance: " + e.getMessage());
      usage(out);
      return 2;
    }
    String token;
    try {
      token = Files.readString(Path.of(tokenFile), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      out.println("bdx-conformance: cannot read the admin token file: " + e.getMessage());
      return 2;
    }
    StandaloneConformance.target = new NodeUnderTest(endpoint, token, federation, listen);
    if (federation == null) {
      out.println("note: no --federation-endpoint: the federation checks are skipped (CONF-1)");
    }
    AtomicInteger passed = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(StandaloneConformance.class))
            .build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(
        request,
        new TestExecutionListener() {
          @Override
          public void executionSkipped(TestIdentifier t, String reason) {
            if (t.isTest()) {
              skipped.incrementAndGet();
              out.println("SKIP " + t.getDisplayName() + " (" + reason + ")");
            }
          }

          @Override
          public void executionFinished(TestIdentifier t, TestExecutionResult r) {
            if (!t.isTest()) {
              if (r.getStatus() == TestExecutionResult.Status.FAILED) {
                failed.incrementAndGet();
                out.println("FAIL setting up " + t.getDisplayName() + ": " + why(r));
              }
              return;
            }
            switch (r.getStatus()) {
              case SUCCESSFUL -> {
                passed.incrementAndGet();
                out.println("PASS " + t.getDisplayName());
              }
              case ABORTED -> {
                skipped.incrementAndGet();
                out.println("SKIP " + t.getDisplayName() + " (" + why(r) + ")");
              }
              case FAILED -> {
                failed.incrementAndGet();
                out.println("FAIL " + t.getDisplayName());
                out.println("     " + why(r));
              }
            }
          }
        });
    out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped");
    return failed.get() > 0 ? 1 : 0;
  }

  private static String why(TestExecutionResult r) {
    return r.getThrowable()
        .map(t -> String.valueOf(t.getMessage()).replace('\n', ' ').strip())
        .orElse("");
  }

  private static void usage(PrintStream out) {
    out.println(
        "usage: java -jar bdx-conformance.jar --endpoint HOST:PORT --admin-token-file FILE"
            + " [--federation-endpoint HOST:PORT] [--listen HOST]");
  }
}
