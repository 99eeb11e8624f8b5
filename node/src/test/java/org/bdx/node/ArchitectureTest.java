package org.bdx.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node's rooms and which way their imports run (docs/architecture.md). Each package is a layer;
 * a package may import only packages on floors below its own, never one on its own floor or above,
 * so there is no way back up and no cycle. Read the floors from the top: the composition root, the
 * APIs, the gRPC edge, the domain, the store, the ground.
 */
class ArchitectureTest {
  /** Floors from the top; packages on one floor may not import each other. */
  static final List<List<String>> FLOORS =
      List.of(
          List.of("server"),
          List.of("staff", "admin", "console"),
          List.of("federation", "mail"),
          List.of("stats"),
          List.of("edge"),
          List.of("intake", "delivery"),
          List.of("agreement", "sync", "access", "bulletin"),
          List.of("policy", "search", "audit", "backup"),
          List.of("store", "tls"),
          List.of("keys"),
          List.of("home", "signing"),
          List.of("identity", "error"),
          List.of("vault", "logging", "text"));

  private static final String ROOT = "org.bdx.node";

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);
  }

  @Test
  void importsRunOnlyDownward() {
    Architectures.LayeredArchitecture layers =
        Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (List<String> floor : FLOORS) {
      for (String p : floor) {
        layers = layers.layer(p).definedBy(ROOT + "." + p + "..");
      }
    }
    for (int i = 0; i < FLOORS.size(); i++) {
      List<String> above = FLOORS.subList(0, i).stream().flatMap(List::stream).toList();
      for (String p : FLOORS.get(i)) {
        layers =
            above.isEmpty()
                ? layers.whereLayer(p).mayNotBeAccessedByAnyLayer()
                : layers.whereLayer(p).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
      }
    }
    layers.check(main);
  }

  @Test
  void noCycleBetweenPackages() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void everyPackageHasAFloor() {
    Set<String> known = new LinkedHashSet<>();
    FLOORS.forEach(known::addAll);
    Set<String> found = new LinkedHashSet<>();
    main.forEach(
        c -> {
          String pkg = c.getPackageName();
          found.add(pkg.equals(ROOT) ? "(root)" : pkg.substring(ROOT.length() + 1).split("\\.")[0]);
        });
    // A new room must be placed on a floor here (and in docs/architecture.md) before it is used.
    assertThat(known).containsAll(found);
  }

  @Test
  void onlyTheStoreTouchesSql() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "javax.sql..", "org.sqlite..")
        .because("all SQL lives in the store, so encryption and schema changes have one room")
        .check(main);
  }

  /**
   * Long files hide several jobs. A main source file over 600 lines must say in the javadoc of its
   * type why it is long (a line containing "Long because"), so a reader knows it was a choice.
   */
  @Test
  void longSourceFilesSayWhy() throws IOException {
    List<String> unexplained = new ArrayList<>();
    for (String module : List.of("node", "cli", "conformance-tests")) {
      Path src = Path.of("..", module, "src", "main", "java");
      assertThat(src).as("source root of %s", module).isDirectory();
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          List<String> lines = Files.readAllLines(f);
          if (lines.size() > 600 && !saysWhyLong(lines)) {
            unexplained.add(f + " (" + lines.size() + " lines)");
          }
        }
      }
    }
    assertThat(unexplained).as("files over 600 lines without a reason at the top").isEmpty();
  }

  /** Whether the file says "Long because" before its top-level type begins (its javadoc). */
  private static boolean saysWhyLong(List<String> lines) {
    for (String l : lines) {
      if (l.contains("Long because")) {
        return true;
      }
      if (l.matches("(public |final |abstract |sealed )*(class|interface|record|enum) .*")) {
        return false;
      }
    }
    return false;
  }

  /** The floors above name each package once. */
  @Test
  void floorsNameEachPackageOnce() {
    List<String> all = FLOORS.stream().flatMap(List::stream).toList();
    assertThat(all).doesNotHaveDuplicates();
  }
}
