package org.bdx.node.stats;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.RectangularShape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bdx.node.text.VisibleText;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarPainter;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * Counts as a bar chart, PNG or SVG, drawn by JFreeChart without a display ({@code
 * java.awt.headless}). Each group has a bar for own alerts and one for received ones. A count shown
 * as "fewer than 5" (STAT-3) is drawn as a hatched bar up to 5, labelled "<5", never at its height:
 * the chart says only that it lies below 5, as the table does.
 */
public final class StatsChart {
  static final Color OWN = new Color(0x1F, 0x5F, 0x99);
  static final Color RECEIVED = new Color(0xD9, 0x7A, 0x1E);
  static final String SUPPRESSED_LABEL = "<" + Cell.THRESHOLD;

  private StatsChart() {}

  /** The chart's size in pixels for {@code counts}: taller with more groups across. */
  public static Rectangle size(AlertCounts counts) {
    int n = Math.max(1, counts.groups().size());
    if (horizontal(counts.by())) {
      return new Rectangle(0, 0, 1000, Math.max(420, 200 + n * 44));
    }
    return new Rectangle(0, 0, Math.max(900, 160 + n * 56), 560);
  }

  public static byte[] png(AlertCounts counts) {
    ensureHeadless();
    Rectangle size = size(counts);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart(counts), size.width, size.height);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] svg(AlertCounts counts) {
    ensureHeadless();
    Rectangle size = size(counts);
    SVGGraphics2D g = new SVGGraphics2D(size.width, size.height);
    chart(counts).draw(g, new Rectangle(0, 0, size.width, size.height));
    return g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
  }

  /** A chart drawn in a server (or the CLI) never looks for a display. */
  private static void ensureHeadless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private static boolean horizontal(Grouping by) {
    return by != Grouping.MONTH;
  }

  static JFreeChart chart(AlertCounts counts) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<Group> groups = counts.groups();
    boolean anySuppressed = false;
    for (Group g : groups) {
      // Labels are unique per group; an area label that clashes with another's stays apart.
      String label = VisibleText.oneLine(g.label(counts.by()));
      data.addValue(height(g.own()), "Own alerts", label);
      data.addValue(height(g.received()), "Received from partners", label);
      anySuppressed |= g.own().fewerThanFive() || g.received().fewerThanFive();
    }
    CategoryAxis groupAxis = new CategoryAxis(counts.by().heading());
    NumberAxis countAxis = new NumberAxis("Number of alerts");
    countAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    countAxis.setUpperMargin(0.12);
    HatchingRenderer renderer = new HatchingRenderer(groups);
    CategoryPlot plot = new CategoryPlot(data, groupAxis, countAxis, renderer);
    plot.setOrientation(
        horizontal(counts.by()) ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL);
    // The count axis below the bars either way, where a reader looks for it.
    plot.setRangeAxisLocation(
        horizontal(counts.by()) ? AxisLocation.BOTTOM_OR_RIGHT : AxisLocation.BOTTOM_OR_LEFT);
    groupAxis.setTickLabelFont(new Font("SansSerif", Font.PLAIN, 13));
    groupAxis.setLabelFont(new Font("SansSerif", Font.BOLD, 13));
    countAxis.setLabelFont(new Font("SansSerif", Font.BOLD, 13));
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xC8, 0xC8, 0xC8));
    if (!horizontal(counts.by()) && groups.size() > 8) {
      groupAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    groupAxis.setMaximumCategoryLabelWidthRatio(0.45f);
    JFreeChart chart =
        new JFreeChart(StatsText.title(counts), new Font("SansSerif", Font.BOLD, 18), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(
        new TextTitle(
            anySuppressed
                ? "Hatched bars labelled "
                    + SUPPRESSED_LABEL
                    + ": fewer than "
                    + Cell.THRESHOLD
                    + " alerts, not shown as a number so that no bar points at one person."
                : "Counts from 1 to 4 would be shown as hatched bars labelled "
                    + SUPPRESSED_LABEL
                    + ", never as a number.",
            new Font("SansSerif", Font.PLAIN, 12)));
    if (groups.isEmpty()) {
      chart.addSubtitle(
          new TextTitle("No alerts in this period.", new Font("SansSerif", Font.PLAIN, 14)));
    }
    return chart;
  }

  /** A suppressed count is drawn to the threshold; the painter hatches it. */
  private static int height(Cell c) {
    return c.fewerThanFive() ? Cell.THRESHOLD : c.count();
  }

  /**
   * Bars in the series colours, numbers on them; a suppressed count hatched and labelled {@value
   * #SUPPRESSED_LABEL} instead. Hatching is drawn as lines, so it survives in SVG as in PNG.
   */
  private static final class HatchingRenderer extends BarRenderer {
    private final transient List<Group> groups;

    HatchingRenderer(List<Group> groups) {
      this.groups = groups;
      setSeriesPaint(0, OWN);
      setSeriesPaint(1, RECEIVED);
      setShadowVisible(false);
      setItemMargin(0.05);
      setMaximumBarWidth(0.2);
      setBarPainter(new HatchingPainter(this));
      setDefaultItemLabelsVisible(true);
      setDefaultItemLabelFont(new Font("SansSerif", Font.PLAIN, 12));
      setDefaultItemLabelGenerator(
          new org.jfree.chart.labels.StandardCategoryItemLabelGenerator() {
            @Override
            public String generateLabel(
                org.jfree.data.category.CategoryDataset dataset, int row, int column) {
              Cell c = cell(row, column);
              return c.fewerThanFive() ? SUPPRESSED_LABEL : Integer.toString(c.count());
            }
          });
      setDefaultPositiveItemLabelPosition(
          new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
    }

    Cell cell(int row, int column) {
      Group g = groups.get(column);
      return row == 0 ? g.own() : g.received();
    }

    @Override
    public ItemLabelPosition getPositiveItemLabelPosition(int row, int column) {
      // Beside the bar's end, whichever way the bars run.
      return getPlot() != null && getPlot().getOrientation() == PlotOrientation.HORIZONTAL
          ? new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT)
          : super.getPositiveItemLabelPosition(row, column);
    }
  }

  private static final class HatchingPainter implements BarPainter {
    private final transient HatchingRenderer renderer;
    private final StandardBarPainter plain = new StandardBarPainter();

    HatchingPainter(HatchingRenderer renderer) {
      this.renderer = renderer;
    }

    @Override
    public void paintBar(
        Graphics2D g2,
        BarRenderer r,
        int row,
        int column,
        RectangularShape bar,
        RectangleEdge base) {
      if (!renderer.cell(row, column).fewerThanFive()) {
        plain.paintBar(g2, r, row, column, bar, base);
        return;
      }
      Color colour = row == 0 ? OWN : RECEIVED;
      g2.setPaint(Color.WHITE);
      g2.fill(bar);
      Shape clip = g2.getClip();
      g2.clip(bar);
      g2.setPaint(colour);
      g2.setStroke(new BasicStroke(2f));
      double step = 7;
      double x0 = bar.getMinX();
      double y0 = bar.getMinY();
      double span = bar.getWidth() + bar.getHeight();
      for (double d = 0; d <= span; d += step) {
        g2.draw(new Line2D.Double(x0 + d, y0, x0 + d - bar.getHeight(), y0 + bar.getHeight()));
      }
      g2.setClip(clip);
      g2.setStroke(new BasicStroke(1.5f));
      g2.draw(bar);
    }

    @Override
    public void paintBarShadow(
        Graphics2D g2,
        BarRenderer r,
        int row,
        int column,
        RectangularShape bar,
        RectangleEdge base,
        boolean pegShadow) {}
  }
}
