package org.bdx.conformance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;

/**
 * The BDX v1 conformance suite (spec section 15). It drives a node under test through its published
 * APIs only: the client and admin APIs with the admin credential (CONF-2), and the federation API
 * as partner nodes of its own (CONF-4): one registered as PEER, one as SUPPORT, one as POLICE, one
 * for hostile calls, one without an agreement, and one whose terms allow relaying, which relays
 * alerts of an origin key the node under test does not know (section 10.8); for the feed vectors of
 * spec/vectors/feed.json (CONF-6), partners of each case's own; and one whose agreement both sides
 * amend (AGR-12).
 *
 * <p>Each test's display name starts with the requirement ids it checks. Subclasses say which node
 * to test ({@link #nodeUnderTest()}); {@code OurNodeConformanceTest} runs it against the reference
 * node in the build and {@link Main} against any {@code HOST:PORT}.
 *
 * <p>The checks live in one class per section ({@link ClientApiSection} to {@link
 * AmendmentsSection}), run below as nested classes in a fixed order around one {@link
 * ConformanceFixture}: later sections rely on what earlier ones did to the node under test and to
 * the suite's feeds, so the order is part of the suite. Subclasses inherit the nested classes and
 * need nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
public abstract class BdxConformanceSuite {
  /** Implementations give the suite their endpoints and admin credential (CONF-1). */
  protected abstract NodeUnderTest nodeUnderTest() throws Exception;

  private ConformanceFixture fixture;

  @BeforeAll
  void setUp() throws Exception {
    fixture = new ConformanceFixture(nodeUnderTest());
    fixture.start();
  }

  /** Runs after the suite has ended its agreements and stopped its partner nodes. */
  protected void afterSuite() throws Exception {}

  @AfterAll
  void tearDown() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
    afterSuite();
  }

  // Each section is made after setUp, so it receives the complete fixture.

  @Nested
  @Order(1)
  class ClientApi extends ClientApiSection {
    ClientApi() {
      super(fixture);
    }
  }

  @Nested
  @Order(2)
  class Transport extends TransportSection {
    Transport() {
      super(fixture);
    }
  }

  @Nested
  @Order(3)
  class Agreements extends AgreementsSection {
    Agreements() {
      super(fixture);
    }
  }

  @Nested
  @Order(4)
  class Disclosure extends DisclosureSection {
    Disclosure() {
      super(fixture);
    }
  }

  @Nested
  @Order(5)
  class Versions extends VersionsSection {
    Versions() {
      super(fixture);
    }
  }

  @Nested
  @Order(6)
  class Receiving extends ReceivingSection {
    Receiving() {
      super(fixture);
    }
  }

  @Nested
  @Order(7)
  class Hostile extends HostileSection {
    Hostile() {
      super(fixture);
    }
  }

  @Nested
  @Order(8)
  class EveryItem extends EveryItemSection {
    EveryItem() {
      super(fixture);
    }
  }

  @Nested
  @Order(9)
  class Relay extends RelaySection {
    Relay() {
      super(fixture);
    }
  }

  @Nested
  @Order(10)
  class FeedVectorCases extends FeedVectorsSection {
    FeedVectorCases() {
      super(fixture);
    }
  }

  @Nested
  @Order(11)
  class Amendments extends AmendmentsSection {
    Amendments() {
      super(fixture);
    }
  }
}
