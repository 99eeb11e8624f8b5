package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The suite's checks live in section classes that run only through a nested class of {@link
 * BdxConformanceSuite}: a section left without one would silently never run, here or in {@link
 * Main}. Discovery alone (no node) shows what Main would run.
 */
class SuiteLayoutTest {
  @Test
  void mainFindsEveryCheckOnceInSuiteOrder() throws Exception {
    List<Method> declared = new ArrayList<>();
    for (Class<?> section : sectionClasses()) {
      for (Method m : section.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Test.class)) {
          declared.add(m);
        }
      }
    }
    TestPlan plan =
        LauncherFactory.create()
            .discover(
                LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(StandaloneConformance.class))
                    .build());
    List<Method> discovered = new ArrayList<>();
    plan.getRoots().forEach(root -> collect(plan, root, discovered));

    assertThat(declared).as("checks declared in the section classes").isNotEmpty();
    assertThat(discovered).containsExactlyInAnyOrderElementsOf(declared);
    // Discovery order is run order. The @Order numbers go up across the whole suite, as they did
    // in the single class, so sections and checks within them run in the order the fixture needs.
    List<Integer> orders =
        discovered.stream().map(m -> m.getAnnotation(Order.class).value()).toList();
    for (int i = 1; i < orders.size(); i++) {
      assertThat(orders.get(i))
          .as("@Order of %s after %s", discovered.get(i), discovered.get(i - 1))
          .isGreaterThan(orders.get(i - 1));
    }
  }

  private static void collect(TestPlan plan, TestIdentifier id, List<Method> out) {
    if (id.isTest()) {
      id.getSource()
          .filter(MethodSource.class::isInstance)
          .map(s -> ((MethodSource) s).getJavaMethod())
          .ifPresent(out::add);
    }
    plan.getChildren(id).forEach(child -> collect(plan, child, out));
  }

  /** Every abstract subclass of {@link ConformanceSection} compiled into the suite's package. */
  private static List<Class<?>> sectionClasses() throws Exception {
    Path dir =
        Path.of(
                ConformanceSection.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI())
            .resolve(ConformanceSection.class.getPackageName().replace('.', '/'));
    List<Class<?>> sections = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String file = f.getFileName().toString();
        if (!file.endsWith(".class") || file.contains("$")) {
          continue;
        }
        Class<?> c =
            Class.forName(
                ConformanceSection.class.getPackageName()
                    + "."
                    + file.substring(0, file.length() - ".class".length()));
        if (c != ConformanceSection.class
            && ConformanceSection.class.isAssignableFrom(c)
            && Modifier.isAbstract(c.getModifiers())) {
          sections.add(c);
        }
      }
    }
    return sections;
  }
}
