package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the search index hands the full-text engine. */
class SearchIndexTest {

  @Test
  void matchAll_quotesEveryWordAsAPrefix() {
    assertThat(SearchIndex.matchAll(List.of("tall", "beard", "or", "x", "near")))
        .isEqualTo("\"tall\"* \"beard\"* \"or\"* \"x\"* \"near\"*");
  }

  @Test
  void matchAll_doublesQuotesInsideAWord() {
    // Normalised words hold no quote, but the store does not rely on that.
    assertThat(SearchIndex.matchAll(List.of("a\"b OR c"))).isEqualTo("\"a\"\"b OR c\"*");
  }
}
