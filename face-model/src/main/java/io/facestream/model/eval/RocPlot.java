package io.facestream.model.eval;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * ROC curves drawn to a PNG with java.awt on an off-screen image (no display needed). FAR is on a log axis, as face
 * verification reads it (the low-FAR end is what matters), TAR on a linear one; a dashed line marks chance
 * (TAR = FAR). Several curves share one plot, e.g. a float32 model and its int8 conversion, each named in a legend
 * under the plot with its AUC.
 */
public final class RocPlot {

    /** One curve and its name in the legend. */
    public record Curve(String label, RocCurve roc) {
    }

    public static final int WIDTH = 900;
    private static final int PLOT_HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 40;
    private static final int TOP = 50;
    private static final int AXIS_SPACE = 70;
    private static final int LEGEND_ROW = 22;
    private static final Color[] COLOURS = {
        new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
        new Color(255, 127, 14), new Color(148, 103, 189), new Color(140, 86, 75)
    };

    private RocPlot() {
    }

    /** Renders and writes the plot, creating the parent folder if needed. */
    public static void write(Path png, String title, List<Curve> curves) throws IOException {
        BufferedImage image = render(title, curves);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    /** The plot as an image: {@link #WIDTH} wide, taller by one legend row a curve. */
    public static BufferedImage render(String title, List<Curve> curves) {
        if (curves.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot");
        }
        int height = TOP + PLOT_HEIGHT + AXIS_SPACE + LEGEND_ROW * curves.size() + 10;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            Axes axes = new Axes(lowestDecade(curves));
            drawGridAndAxes(g, axes, title);
            drawChance(g, axes);
            for (int i = 0; i < curves.size(); i++) {
                drawCurve(g, axes, curves.get(i).roc(), COLOURS[i % COLOURS.length]);
            }
            drawLegend(g, curves);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Maps (FAR, TAR) to pixels; FAR below 10^minDecade (FAR 0 among them) sits on the left edge. */
    private record Axes(int minDecade) {

        double x(double far) {
            double lg = far <= 0 ? minDecade : Math.max(minDecade, Math.log10(far));
            return LEFT + (lg - minDecade) / -minDecade * plotWidth();
        }

        double y(double tar) {
            return TOP + (1 - tar) * PLOT_HEIGHT;
        }

        static int plotWidth() {
            return WIDTH - LEFT - RIGHT;
        }
    }

    /** The decade below the smallest non-zero FAR of any curve, from 1e-6 to 1e-1. */
    private static int lowestDecade(List<Curve> curves) {
        double smallest = 1;
        for (Curve curve : curves) {
            for (double far : curve.roc().far()) {
                if (far > 0) {
                    smallest = Math.min(smallest, far);
                }
            }
        }
        return (int) Math.max(-6, Math.min(-1, Math.floor(Math.log10(smallest) + 1e-9)));
    }

    private static void drawGridAndAxes(Graphics2D g, Axes axes, String title) {
        int right = LEFT + Axes.plotWidth();
        int bottom = TOP + PLOT_HEIGHT;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (int decade = axes.minDecade(); decade <= 0; decade++) {
            int x = (int) Math.round(axes.x(Math.pow(10, decade)));
            g.setColor(new Color(215, 215, 215));
            g.drawLine(x, TOP, x, bottom);
            if (decade < 0) {
                g.setColor(new Color(238, 238, 238));
                for (int m = 2; m <= 9; m++) {
                    int minor = (int) Math.round(axes.x(m * Math.pow(10, decade)));
                    g.drawLine(minor, TOP, minor, bottom);
                }
            }
            String label = decade == 0 ? "1" : "1e" + decade;
            g.setColor(Color.BLACK);
            g.drawString(label, x - fm.stringWidth(label) / 2, bottom + fm.getAscent() + 6);
        }
        for (int tenth = 0; tenth <= 10; tenth++) {
            int y = (int) Math.round(axes.y(tenth / 10.0));
            g.setColor(new Color(215, 215, 215));
            g.drawLine(LEFT, y, right, y);
            String label = String.format(Locale.ROOT, "%.1f", tenth / 10.0);
            g.setColor(Color.BLACK);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, Axes.plotWidth(), PLOT_HEIGHT);

        String xLabel = "false accept rate (FAR, log scale; FAR 0 on the left edge)";
        g.drawString(xLabel, LEFT + (Axes.plotWidth() - fm.stringWidth(xLabel)) / 2, bottom + 44);
        String yLabel = "true accept rate (TAR)";
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(TOP + (PLOT_HEIGHT + fm.stringWidth(yLabel)) / 2), 24);
        g.setTransform(saved);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        FontMetrics titleMetrics = g.getFontMetrics();
        g.drawString(title, (WIDTH - titleMetrics.stringWidth(title)) / 2, TOP - 18);
    }

    private static void drawChance(Graphics2D g, Axes axes) {
        Path2D.Double line = new Path2D.Double();
        int steps = 200;
        for (int i = 0; i <= steps; i++) {
            double far = Math.pow(10, axes.minDecade() * (1 - (double) i / steps));
            if (i == 0) {
                line.moveTo(axes.x(far), axes.y(far));
            } else {
                line.lineTo(axes.x(far), axes.y(far));
            }
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
        g.draw(line);
    }

    private static void drawCurve(Graphics2D g, Axes axes, RocCurve roc, Color colour) {
        Path2D.Double line = new Path2D.Double();
        line.moveTo(axes.x(roc.far()[0]), axes.y(roc.tar()[0]));
        for (int i = 1; i < roc.size(); i++) {
            line.lineTo(axes.x(roc.far()[i]), axes.y(roc.tar()[i]));
        }
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(line);
    }

    private static void drawLegend(Graphics2D g, List<Curve> curves) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int y = TOP + PLOT_HEIGHT + AXIS_SPACE;
        for (int i = 0; i < curves.size(); i++) {
            Curve curve = curves.get(i);
            int rowMiddle = y + i * LEGEND_ROW + LEGEND_ROW / 2;
            g.setColor(COLOURS[i % COLOURS.length]);
            g.setStroke(new BasicStroke(3f));
            g.drawLine(LEFT, rowMiddle, LEFT + 30, rowMiddle);
            g.setColor(Color.BLACK);
            String text = String.format(Locale.ROOT, "%s (AUC %.4f)", curve.label(), curve.roc().auc());
            g.drawString(text, LEFT + 40, rowMiddle + fm.getAscent() / 2 - 1);
        }
    }
}
