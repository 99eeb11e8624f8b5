package org.bdx.node.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on the database connection inside {@link NodeDatabase#inTransaction}. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
