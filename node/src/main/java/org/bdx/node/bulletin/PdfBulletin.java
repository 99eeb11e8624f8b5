package org.bdx.node.bulletin;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.util.ULocale;
import com.openhtmltopdf.extend.FSTextBreaker;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.XRLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bulletin as a PDF (spec BUL-6): the HTML bulletin's page laid out on A4 by openhtmltopdf, with
 * the fonts of {@link BulletinFonts} embedded as subsets, so it prints and reads the same on any
 * machine and in every bulletin language.
 *
 * <p>The renderer has no OpenType shaper, so the page is prepared for it: text is composed (NFC, so
 * Vietnamese uses its precomposed letters), Gurmukhi's sihari is put in drawing order ({@link
 * GurmukhiOrder}), and lines break where ICU says each language may break (Thai and CJK write no
 * spaces). It fetches nothing: every external resource is refused.
 */
public final class PdfBulletin implements BulletinFormat {
  /**
   * PDF layout takes a CPU for a while on a long bulletin; at most this many at once, so bulletins
   * cannot starve the node's other calls.
   */
  private static final Semaphore AT_ONCE = new Semaphore(1);

  /**
   * After the page's own rules, print media included. Every page ends with whose bulletin it is, of
   * when, how to report and its number (a page handed on alone still says them), so the page's own
   * footer is not repeated. Bold is 700: the fonts have no heavier weight, and a heavier one would
   * be smeared by synthetic emboldening. The harm words stay dark red, which a phone shows first
   * and a black-and-white printer prints near black.
   */
  static final String STYLE =
      """
      @page{size:A4;margin:13mm 13mm 30mm 13mm;@bottom-left{content:element(pagefoot);\
      vertical-align:top;padding-top:3mm}}
      body{max-width:none;padding:0;font-family:FAMILIES;font-size:11pt;line-height:1.35}
      .harms,.id{font-weight:700}
      .harms{color:#a00000}
      h2{background:#ececec}
      body>footer{display:none}
      .pagefoot{position:running(pagefoot);font-family:FAMILIES;font-size:9pt;line-height:1.3;\
      color:#111;border-top:2px solid #111;padding-top:4px}
      .pagefoot .pg{float:right;margin-left:12px;font-weight:700}
      .pagefoot .whose{margin:0 0 2px;color:#333}
      .pagefoot .pg::after{content:counter(page) " / " counter(pages)}
      """;

  /**
   * For Thai and Gurmukhi, whose letters are small beside Latin ones at the same size: the small
   * print (labels, dates, the page foot) one step larger, so it reads as easily.
   */
  static final String LARGER_SMALL_PRINT =
      """
      body{font-size:12.5pt}
      .meta,.when,.sev,.sev .k,.id .k,.row .k{font-size:18px}
      .pagefoot{font-size:10.5pt}
      """;

  /**
   * Held so the level set on it stays set (the logging system keeps only weak references). PDFBox's
   * font warnings can name a character of the page being drawn.
   */
  static final Logger PDFBOX_LOG = Logger.getLogger("org.apache.pdfbox");

  static {
    // The renderer's own log quotes the page (CSS, markup, missing glyphs): alert content is
    // never logged, and its routine lines would only fill the node's log.
    XRLog.setLoggingEnabled(false);
    PDFBOX_LOG.setLevel(Level.SEVERE);
  }

  private final Path fontDir;

  /**
   * @param fontDir where the fonts are (node setting {@code bulletin.fonts})
   */
  public PdfBulletin(Path fontDir) {
    this.fontDir = Objects.requireNonNull(fontDir, "fontDir");
  }

  @Override
  public String mediaType() {
    return "application/pdf";
  }

  /**
   * @throws org.bdx.node.error.BdxException (failed precondition) when a font is missing, naming
   *     the Debian package to install
   */
  @Override
  public byte[] render(Bulletin bulletin, BulletinWords words) {
    BulletinFonts fonts = BulletinFonts.in(fontDir);
    String pageFoot =
        "<div class=\"pagefoot\"><span class=\"pg\"></span><p class=\"whose\">"
            + HtmlBulletin.esc(words.word("title"))
            + " · "
            + HtmlBulletin.esc(TextBulletin.Parts.made(bulletin, words))
            + "</p><b>"
            + HtmlBulletin.esc(words.word("footer.heading"))
            + "</b> "
            + HtmlBulletin.esc(TextBulletin.Parts.footer(bulletin, words))
            + "</div>\n";
    String page =
        HtmlBulletin.page(
            bulletin,
            words,
            STYLE.replace("FAMILIES", BulletinFonts.FAMILIES)
                + (words.language().equals("th") || words.language().equals("pa")
                    ? LARGER_SMALL_PRINT
                    : ""),
            pageFoot);
    String prepared = GurmukhiOrder.visual(xmlSafe(Normalizer2.getNFCInstance().normalize(page)));
    ULocale locale = ULocale.forLanguageTag(words.language());
    try {
      AT_ONCE.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to render a PDF bulletin", e);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
      PdfRendererBuilder b = new PdfRendererBuilder();
      b.useFastMode();
      b.withHtmlContent(prepared, null);
      b.useExternalResourceAccessControl(
          (uri, type) -> false, ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
      b.useExternalResourceAccessControl(
          (uri, type) -> false, ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
      // Its diagnostics can quote the page too.
      b.withDiagnosticConsumer(d -> {});
      b.useUnicodeLineBreaker(new IcuBreaker(BreakIterator.getLineInstance(locale)));
      b.useUnicodeCharacterBreaker(new IcuBreaker(BreakIterator.getCharacterInstance(locale)));
      b.withProducer("BDX");
      for (Map.Entry<BulletinFonts.Face, Path> f : fonts.files().entrySet()) {
        b.useFont(
            f.getValue().toFile(),
            f.getKey().family(),
            f.getKey().weight(),
            FontStyle.NORMAL,
            true);
      }
      b.toStream(out);
      b.run();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("rendering a PDF bulletin", e);
    } finally {
      AT_ONCE.release();
    }
  }

  /**
   * {@code s} with the characters XML 1.0 forbids (U+FFFE, U+FFFF, lone surrogates) replaced by
   * "?": a partner's text must not be able to stop the page from parsing. Controls are already
   * escaped ({@link org.bdx.node.text.VisibleText}).
   */
  static String xmlSafe(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok;
      if (Character.isHighSurrogate(c)) {
        ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (ok) {
          if (sb != null) {
            sb.append(c).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        ok =
            !Character.isLowSurrogate(c)
                && c != '\uFFFE'
                && c != '\uFFFF'
                && (c >= 0x20 || c == '\n' || c == '\r' || c == '\t');
      }
      if (!ok && sb == null) {
        sb = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (sb != null) {
        sb.append(ok ? c : '?');
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** ICU's line or character boundaries, for the renderer. */
  private static final class IcuBreaker implements FSTextBreaker {
    private final BreakIterator it;

    IcuBreaker(BreakIterator it) {
      this.it = it;
    }

    @Override
    public int next() {
      return it.next();
    }

    @Override
    public void setText(String text) {
      it.setText(text);
    }
  }
}
