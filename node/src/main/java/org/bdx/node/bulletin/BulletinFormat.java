package org.bdx.node.bulletin;

/**
 * One way to write a bulletin down: plain text, HTML, and later PDF (made from the HTML) or
 * whatever a distribution channel needs. Every format escapes partners' text for its medium and
 * neutralises control and bidirectional characters ({@link org.bdx.node.text.VisibleText}).
 */
public interface BulletinFormat {
  /** The media type of what {@link #render} returns, e.g. {@code text/html; charset=utf-8}. */
  String mediaType();

  /** The bulletin in {@code words}' language. */
  byte[] render(Bulletin bulletin, BulletinWords words);
}
