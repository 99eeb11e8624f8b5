package org.bdx.node.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps prepared statements of the node's one connection for reuse, so code can keep the plain
 * {@code try (PreparedStatement ps = c.prepareStatement(sql))} shape while SQLite compiles each
 * statement once instead of on every call. Compiling was a large share of storing a received alert
 * (about ten statements each; docs/benchmarks.md, catch-up section).
 *
 * <p>{@link #connection()} is the connection handed to {@link NodeDatabase#inTransaction} work: its
 * {@code prepareStatement(String)} takes an idle statement for that SQL, or prepares one, and the
 * statement's {@code close()} clears its parameters and result set and returns it here. A statement
 * in use is never handed out twice (a nested use of the same SQL gets a second one). At most {@link
 * #MAX_IDLE} idle statements are kept, least recently used first out, because some SQL (search) is
 * built per query. Not thread-safe: used under {@link NodeDatabase}'s lock.
 */
final class StatementCache {
  static final int MAX_IDLE = 96;

  private final Connection raw;
  private final Connection wrapped;
  private final LinkedHashMap<String, PreparedStatement> idle =
      new LinkedHashMap<>(128, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
          if (size() > MAX_IDLE) {
            closeQuietly(eldest.getValue());
            return true;
          }
          return false;
        }
      };

  StatementCache(Connection raw) {
    this.raw = raw;
    this.wrapped =
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                this::onConnection);
  }

  /** The connection whose {@code prepareStatement(String)} goes through this cache. */
  Connection connection() {
    return wrapped;
  }

  /** How many statements are idle in the cache (tests). */
  int idleCount() {
    return idle.size();
  }

  /** Closes every idle statement; call before closing the connection. */
  void clear() {
    List<PreparedStatement> all = new ArrayList<>(idle.values());
    idle.clear();
    for (PreparedStatement ps : all) {
      closeQuietly(ps);
    }
  }

  private Object onConnection(Object proxy, Method m, Object[] args) throws Throwable {
    if (m.getName().equals("prepareStatement")
        && args != null
        && args.length == 1
        && args[0] instanceof String sql) {
      return checkOut(sql);
    }
    if (m.getName().equals("close")) {
      throw new SQLException("the node's connection is closed by NodeDatabase only");
    }
    return invoke(raw, m, args);
  }

  private PreparedStatement checkOut(String sql) throws SQLException {
    PreparedStatement ps = idle.remove(sql);
    if (ps == null) {
      ps = raw.prepareStatement(sql);
    }
    return (PreparedStatement)
        Proxy.newProxyInstance(
            PreparedStatement.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            new Lease(sql, ps));
  }

  /** One use of a cached statement, from {@code prepareStatement} to {@code close}. */
  private final class Lease implements InvocationHandler {
    private final String sql;
    private final PreparedStatement ps;
    private boolean returned;
    private ResultSet lastResult;

    Lease(String sql, PreparedStatement ps) {
      this.sql = sql;
      this.ps = ps;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      switch (m.getName()) {
        case "close" -> {
          giveBack();
          return null;
        }
        case "isClosed" -> {
          return returned;
        }
        case "getConnection" -> {
          return wrapped;
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {
          if (returned) {
            throw new SQLException("statement is closed");
          }
          Object result = StatementCache.invoke(ps, m, args);
          if (result instanceof ResultSet rs) {
            lastResult = rs;
          }
          return result;
        }
      }
    }

    private void giveBack() throws SQLException {
      if (returned) {
        return;
      }
      returned = true;
      try {
        if (lastResult != null && !lastResult.isClosed()) {
          lastResult.close(); // resets the statement, ending any read it held open
        }
        ps.clearParameters();
      } catch (SQLException e) {
        closeQuietly(ps);
        throw e;
      }
      PreparedStatement other = idle.putIfAbsent(sql, ps);
      if (other != null) {
        closeQuietly(ps); // a nested use of the same SQL: keep one
      }
    }
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void closeQuietly(PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException e) {
      // Finalizing a statement only fails on a broken connection, which later calls report.
    }
  }
}
