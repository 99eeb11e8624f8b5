package org.bdx.node.backup;

import java.io.IOException;

/**
 * A backup file that cannot be restored: not a backup, made by a newer bdx, cut short, or altered.
 * The message names the file and what is wrong with it, never its content.
 */
public final class BackupException extends IOException {
  private static final long serialVersionUID = 1L;

  public BackupException(String message) {
    super(message);
  }
}
