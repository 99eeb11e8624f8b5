package org.bdx.node.delivery;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Channel} delivers: a subject and the same bulletin in several formats.
 *
 * @param subject one line, in the subscriber's language
 * @param bodies alternatives of the same content, simplest first (plain text, then HTML); a channel
 *     uses the richest it can show, or the first
 * @param attachments files sent with it (a PDF bulletin), for channels that can carry files
 */
public record Message(String subject, List<Part> bodies, List<Part> attachments) {
  public Message {
    Objects.requireNonNull(subject, "subject");
    if (subject.isBlank() || subject.codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("subject: one line, not blank");
    }
    bodies = List.copyOf(bodies);
    attachments = List.copyOf(attachments);
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("bodies: at least one");
    }
  }

  /** The first body of this media type ({@code text/plain}, ignoring parameters), if any. */
  public java.util.Optional<Part> body(String baseType) {
    return bodies.stream().filter(p -> p.baseType().equalsIgnoreCase(baseType)).findFirst();
  }

  /**
   * One format of a message.
   *
   * @param mediaType e.g. {@code text/html; charset=utf-8}
   * @param content the bytes
   * @param fileName the file name for an attachment, or "" for a body
   */
  public record Part(String mediaType, byte[] content, String fileName) {
    public Part {
      Objects.requireNonNull(mediaType, "mediaType");
      content = content.clone();
      fileName = fileName == null ? "" : fileName;
    }

    @Override
    public byte[] content() {
      return content.clone();
    }

    /** The media type without parameters, e.g. {@code text/html}. */
    public String baseType() {
      int semi = mediaType.indexOf(';');
      return (semi < 0 ? mediaType : mediaType.substring(0, semi)).strip();
    }
  }
}
