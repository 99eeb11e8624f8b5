package org.bdx.node;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.Executor;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.server.Node;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.Vault;

/**
 * Nodes for tests: a passphrase generated for this run, and the cheap key derivation ({@link
 * KdfParams#FOR_TESTS}), so a test that makes many nodes does not pay a real Argon2id each time.
 */
public final class TestNodes {
  /** The passphrase of every node these helpers make; generated per run, never closed. */
  public static final Passphrase PASSPHRASE = Passphrase.random(new SecureRandom());

  private TestNodes() {}

  /** {@link Node#init} with {@link #PASSPHRASE} and {@link KdfParams#FOR_TESTS}. */
  public static Node.Created init(NodeHome home, NodeConfig config) throws IOException {
    return Node.init(home, config, PASSPHRASE, KdfParams.FOR_TESTS);
  }

  /** The node key of a home made by {@link #init}, unsealed from its vault. */
  public static NodeKeys keys(NodeHome home) {
    try (Vault vault = Vault.open(home.dir(), PASSPHRASE)) {
      return KeyFiles.load(home.dir(), vault);
    }
  }

  /**
   * {@code stub} sending {@code token} as its staff credential (spec API-1), as call credentials,
   * so a test can also make a raw call with the stub's {@code getCallOptions()}.
   */
  public static <S extends AbstractStub<S>> S withToken(S stub, String token) {
    return stub.withCallCredentials(
        new CallCredentials() {
          @Override
          public void applyRequestMetadata(RequestInfo info, Executor ex, MetadataApplier applier) {
            Metadata m = new Metadata();
            m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
            applier.apply(m);
          }
        });
  }
}
