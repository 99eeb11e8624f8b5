package org.bdx.node.home;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The node's home directory: its vault (the sealed node key and root key), public key, settings,
 * database, report keys and credentials. The whole directory is owner-only (700) because it holds
 * the organization's own reports.
 */
public final class NodeHome {
  public static final String ENV_HOME = "BDX_HOME";

  private final Path dir;

  public NodeHome(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** {@code --home}, else {@code BDX_HOME}, else the per-user data directory. */
  public static NodeHome resolve(Path explicit, Map<String, String> env) {
    if (explicit != null) {
      return new NodeHome(explicit);
    }
    String fromEnv = env.get(ENV_HOME);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new NodeHome(Path.of(fromEnv));
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return new NodeHome(base.resolve("bdx"));
  }

  public Path dir() {
    return dir;
  }

  public Path configFile() {
    return dir.resolve("node.properties");
  }

  public Path databaseFile() {
    return dir.resolve("node.db");
  }

  /** The node's secrets, sealed under its passphrase (spec AR-1). */
  public Path vaultFile() {
    return dir.resolve("vault");
  }

  /** Each report's data key, wrapped, apart from the database (spec AR-3). */
  public Path reportKeysFile() {
    return dir.resolve("reportkeys.db");
  }

  /**
   * The node's next key, sealed under its passphrase (spec KEY-11): written here when the node
   * makes a key event, for the coordinator to move off this machine ({@code bdx key
   * export-recovery}).
   */
  public Path recoveryFile() {
    return dir.resolve("keys").resolve("next-key.recovery");
  }

  public Path clientTokenFile() {
    return dir.resolve("client.token");
  }

  /** The coordinator's credential for the admin API: partners and agreements. */
  public Path adminTokenFile() {
    return dir.resolve("admin.token");
  }

  public boolean isInitialized() {
    return Files.exists(configFile());
  }

  /** Creates the directory owner-only; refuses a directory that already holds a node. */
  public void createDirectory() throws IOException {
    if (isInitialized()) {
      throw new IOException("a node already exists in " + dir + "; choose another --home");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException(dir + " is a file, not a directory; choose another --home");
    }
    try {
      Files.createDirectories(dir);
    } catch (FileSystemException e) {
      // Names the file and what went wrong, never only the bare path the exception holds.
      throw new IOException(
          "cannot create the home directory "
              + dir
              + " ("
              + switch (e) {
                case AccessDeniedException x -> "permission denied";
                case FileSystemException x when x.getReason() != null -> x.getReason();
                default -> "the system refused";
              }
              + "); choose another --home, one this user may write to");
    }
    restrictToOwner(dir, true);
  }

  public NodeConfig loadConfig() throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException(
          dir + " is a file, not a node's home directory; give --home the directory of a node");
    }
    if (!isInitialized()) {
      throw new IOException("no node in " + dir + "; create one with: bdx init --home " + dir);
    }
    return NodeConfig.load(configFile());
  }

  /** Writes a fresh random client credential, readable by the owner only. */
  public String createClientToken(SecureRandom rng) throws IOException {
    return createToken(clientTokenFile(), rng);
  }

  /** Writes a fresh random admin credential, readable by the owner only. */
  public String createAdminToken(SecureRandom rng) throws IOException {
    return createToken(adminTokenFile(), rng);
  }

  public String readClientToken() throws IOException {
    return readToken(clientTokenFile(), "client");
  }

  public String readAdminToken() throws IOException {
    return readToken(adminTokenFile(), "admin");
  }

  private static String createToken(Path file, SecureRandom rng) throws IOException {
    byte[] raw = new byte[32];
    rng.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    writeOwnerOnly(file, token + "\n");
    return token;
  }

  private static String readToken(Path f, String what) throws IOException {
    if (!Files.exists(f)) {
      throw new IOException(
          "the " + what + " credential " + f + " is missing; was this home made by bdx init?");
    }
    String token = Files.readString(f).strip();
    if (token.isEmpty() || token.length() > 256) {
      throw new IOException("the " + what + " credential " + f + " is damaged");
    }
    return token;
  }

  /** Creates the file with owner-only permissions before any byte is written to it. */
  public static void writeOwnerOnly(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (supportsPosix(file)) {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, content);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static void restrictToOwner(Path p, boolean directory) throws IOException {
    if (supportsPosix(p)) {
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
    }
  }

  private static boolean supportsPosix(Path p) {
    Path existing = Files.exists(p) ? p : p.toAbsolutePath().getParent();
    return existing != null
        && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
