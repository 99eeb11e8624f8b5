package org.bdx.node.delivery;

import com.google.common.html.HtmlEscapers;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bdx.node.bulletin.Bulletin;
import org.bdx.node.bulletin.BulletinArea;
import org.bdx.node.bulletin.BulletinFormat;
import org.bdx.node.bulletin.BulletinMaker;
import org.bdx.node.bulletin.BulletinWords;
import org.bdx.node.store.SubscriberRecord;

/**
 * Makes the message a subscriber receives: the bulletin of their areas in their language, in each
 * body format (plain text, then HTML) and each attachment format, with a line saying how to stop
 * receiving it. Any {@link BulletinFormat} can be a body or an attachment, so a new format (a PDF
 * bulletin) is one more entry in a list, not a change here.
 */
public final class BulletinMessages {
  private final BulletinMaker maker;
  private final String organization;
  private final List<BulletinFormat> bodies;
  private final List<Attachment> attachments;

  /** A format sent as a file, and the file's name without extension. */
  public record Attachment(BulletinFormat format, String fileName) {
    public Attachment {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(fileName, "fileName");
    }
  }

  /**
   * @param bodies alternatives, simplest first: {@code text/plain} then {@code text/html}
   * @param attachments files sent with each message, each named its file name and the extension of
   *     its format
   */
  public BulletinMessages(
      BulletinMaker maker,
      String organization,
      List<BulletinFormat> bodies,
      List<Attachment> attachments) {
    this.maker = Objects.requireNonNull(maker, "maker");
    this.organization = Objects.requireNonNull(organization, "organization");
    this.bodies = List.copyOf(bodies);
    this.attachments = List.copyOf(attachments);
    if (this.bodies.isEmpty()) {
      throw new IllegalArgumentException("bodies: at least one format");
    }
  }

  /** A message and how many warnings its bulletin holds. */
  public record Made(Message message, int warnings) {}

  /** The message for {@code subscriber}, of warnings about incidents on or after {@code since}. */
  public Made make(LocalDate since, SubscriberRecord subscriber) {
    Bulletin b = bulletin(since, subscriber.areas());
    BulletinWords words = BulletinWords.of(subscriber.lang());
    String closing = DeliveryWords.of(words.language()).unsubscribe(organization);
    List<Message.Part> parts = new ArrayList<>();
    for (BulletinFormat f : bodies) {
      parts.add(new Message.Part(f.mediaType(), closed(f, f.render(b, words), closing), ""));
    }
    List<Message.Part> files = new ArrayList<>();
    for (Attachment a : attachments) {
      files.add(
          new Message.Part(
              a.format().mediaType(),
              a.format().render(b, words),
              a.fileName() + extension(a.format().mediaType())));
    }
    String subject = words.word("title") + " - " + organization;
    return new Made(new Message(oneLine(subject), parts, files), b.count());
  }

  /** One bulletin of several areas: each area's warnings, as the bulletin of that area has them. */
  private Bulletin bulletin(LocalDate since, List<String> areas) {
    if (areas.isEmpty()) {
      return maker.make(since, null);
    }
    List<BulletinArea> all = new ArrayList<>();
    Bulletin first = null;
    for (String area : areas) {
      Bulletin one = maker.make(since, area);
      first = first == null ? one : first;
      all.addAll(one.areas());
    }
    return new Bulletin(
        first.organization(), since, String.join(", ", areas), first.madeOn(), all, first.footer());
  }

  /** The body with the unsubscribe line at its end: before {@code </body>} in HTML. */
  private static byte[] closed(BulletinFormat f, byte[] rendered, String closing) {
    String base = f.mediaType().split(";")[0].strip();
    String body = new String(rendered, StandardCharsets.UTF_8);
    if (base.equalsIgnoreCase("text/html")) {
      int end = body.lastIndexOf("</body>");
      String p =
          "<p style=\"margin-top:16px;font-size:14px\">"
              + HtmlEscapers.htmlEscaper().escape(closing)
              + "</p>\n";
      body = end < 0 ? body + p : body.substring(0, end) + p + body.substring(end);
    } else {
      body = body + (body.endsWith("\n") ? "" : "\n") + "\n" + closing + "\n";
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /** The file name extension a mail program opens a format by, e.g. {@code .pdf}. */
  static String extension(String mediaType) {
    String base = mediaType.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
    return switch (base) {
      case "application/pdf" -> ".pdf";
      case "text/html" -> ".html";
      case "text/plain" -> ".txt";
      default -> "";
    };
  }

  private static String oneLine(String s) {
    return s.codePoints()
        .map(c -> Character.isISOControl(c) ? ' ' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString()
        .strip();
  }
}
