package org.bdx.node.bulletin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDTrueTypeFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.util.Matrix;
import org.apache.pdfbox.util.Vector;

/**
 * A PDF read back with PDFBox: its text, the fonts its text is drawn in, and every glyph drawn that
 * is the font's .notdef (glyph 0, the box a reader sees for a character the font lacks).
 *
 * @param text the text in reading order
 * @param fonts the name of every font text is drawn in (with its subset prefix, if any)
 * @param unembedded the fonts drawn in that are not embedded in the file
 * @param notdef a description of each .notdef glyph drawn: font and character code
 * @param pages how many pages
 */
public record PdfReading(
    String text, Set<String> fonts, Set<String> unembedded, List<String> notdef, int pages) {
  /** A subset font's name: six capital letters, '+', the font's own name (ISO 32000-1 9.6.4). */
  public static final String SUBSET_NAME = "[A-Z]{6}\\+.+";

  public static PdfReading of(byte[] pdf) throws IOException {
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      Walker w = new Walker();
      String text = w.getText(doc);
      return new PdfReading(text, w.fonts, w.unembedded, w.notdef, doc.getNumberOfPages());
    }
  }

  /** The text of each page, in order. */
  public static List<String> pageTexts(byte[] pdf) throws IOException {
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      List<String> pages = new ArrayList<>();
      PDFTextStripper s = new PDFTextStripper();
      for (int i = 1; i <= doc.getNumberOfPages(); i++) {
        s.setStartPage(i);
        s.setEndPage(i);
        pages.add(s.getText(doc));
      }
      return pages;
    }
  }

  /** The text with all white space removed, for finding words a line break may have split. */
  public String squeezed() {
    return squeeze(text);
  }

  public static String squeeze(String s) {
    return s.replaceAll("\\s+", "");
  }

  private static final class Walker extends PDFTextStripper {
    final Set<String> fonts = new LinkedHashSet<>();
    final Set<String> unembedded = new LinkedHashSet<>();
    final List<String> notdef = new ArrayList<>();

    @Override
    protected void showGlyph(Matrix matrix, PDFont font, int code, Vector displacement)
        throws IOException {
      fonts.add(font.getName());
      if (!font.isEmbedded()) {
        unembedded.add(font.getName());
      }
      int gid;
      if (font instanceof PDType0Font t0) {
        gid = t0.codeToGID(code);
      } else if (font instanceof PDTrueTypeFont tt) {
        gid = tt.codeToGID(code);
      } else {
        // Openhtmltopdf embeds only TrueType-based fonts; anything else is itself a finding.
        gid = -1;
        notdef.add(
            font.getName() + ": not a TrueType font (" + font.getClass().getSimpleName() + ")");
      }
      if (gid == 0) {
        notdef.add(font.getName() + " code " + code + " unicode " + font.toUnicode(code));
      }
      super.showGlyph(matrix, font, code, displacement);
    }
  }
}
