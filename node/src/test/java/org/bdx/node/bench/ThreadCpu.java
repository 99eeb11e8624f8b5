package org.bdx.node.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time per thread between two points, grouped by thread name with digits folded (so the 40
 * threads of one gRPC pool are one line). Tells which thread is the bottleneck: a group near 1.0
 * core is saturated. Threads that ended between the points are not seen; the JIT and GC threads are
 * not Java threads and are not seen either (the JFR compile time covers the JIT).
 */
final class ThreadCpu {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> start = new HashMap<>();
  private long startedAt;

  ThreadCpu() {
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
  }

  void start() {
    start.clear();
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t >= 0) {
        start.put(id, t);
      }
    }
    startedAt = System.nanoTime();
  }

  /** Cores used per group since {@link #start}, highest first (1.0 = one core all the time). */
  Map<String, Double> stop() {
    long wall = System.nanoTime() - startedAt;
    Map<String, Long> byGroup = new TreeMap<>();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long now = threads.getThreadCpuTime(ids[i]);
      if (now < 0 || infos[i] == null) {
        continue;
      }
      long used = now - start.getOrDefault(ids[i], 0L);
      String group = infos[i].getThreadName().replaceAll("[0-9]+", "N");
      byGroup.merge(group, used, Long::sum);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue() / (double) wall));
    return out;
  }

  /** The groups using at least 1 % of a core, as one table row's cell. */
  static String render(Map<String, Double> cores) {
    StringBuilder b = new StringBuilder();
    cores.forEach(
        (group, c) -> {
          if (c >= 0.01) {
            b.append(b.isEmpty() ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.2f", group, c));
          }
        });
    return b.toString();
  }
}
