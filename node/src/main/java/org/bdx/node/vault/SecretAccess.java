package org.bdx.node.vault;

/**
 * A token that must be passed to read secret key material (the idea of Tink's {@code
 * InsecureSecretKeyAccess}). Grep for {@code SecretAccess.INSECURE} to find every place a secret
 * leaves its holder.
 */
public enum SecretAccess {
  /** The caller takes responsibility for the secret it reads. */
  INSECURE
}
