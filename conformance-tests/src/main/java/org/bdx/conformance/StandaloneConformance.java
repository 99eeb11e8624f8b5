package org.bdx.conformance;

/** The suite against the node {@link Main} was pointed at. Not meant to run in a build. */
public final class StandaloneConformance extends BdxConformanceSuite {
  static volatile NodeUnderTest target;

  @Override
  protected NodeUnderTest nodeUnderTest() {
    if (target == null) {
      throw new IllegalStateException("run through org.bdx.conformance.Main");
    }
    return target;
  }
}
