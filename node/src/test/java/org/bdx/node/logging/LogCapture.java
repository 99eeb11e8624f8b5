package org.bdx.node.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The lines one class logs while this is open, as an operator reads them (parameters filled in).
 * Tests that check what the node's log says about a partner use it.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger log; // held: the logging framework keeps loggers only weakly
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Formatter format = new SimpleFormatter();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          lines.add(format.formatMessage(r));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private LogCapture(Class<?> owner) {
    this.log = Logger.getLogger(owner.getName());
    log.addHandler(handler);
  }

  /** Starts capturing what {@code owner} logs (its logger is named after the class). */
  public static LogCapture of(Class<?> owner) {
    return new LogCapture(owner);
  }

  /** Every line so far, oldest first. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines so far that contain {@code text}. */
  public List<String> containing(String text) {
    return lines.stream().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    log.removeHandler(handler);
  }
}
