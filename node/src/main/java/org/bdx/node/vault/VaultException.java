package org.bdx.node.vault;

/**
 * The vault or a passphrase could not be read, created or opened. Messages are written for the
 * coordinator who runs the node; they name files, never a passphrase or key bytes.
 */
public class VaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VaultException(String message) {
    super(message);
  }

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The passphrase does not open the vault (its authentication tag does not match). */
  public static final class WrongPassphrase extends VaultException {
    private static final long serialVersionUID = 1L;

    public WrongPassphrase(String message) {
      super(message);
    }
  }
}
