/**
 * The figure's non-data look: one font stack, ink colours and type sizes, written once.
 *
 * The font stack leads with DejaVu Sans because that is the face the PNG export loads by file
 * path, and the face whose advance widths text-measure.ts uses to lay out titles and legends.
 */
export const FONT_STACK = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** Text and axis lines (replaces Plot's currentColor). */
export const INK = "#1a1a1a";
/** Subtitles, captions and secondary labels. */
export const MUTED = "#555555";
/** Reference lines (identity line, quantile rules). */
export const RULE = "#8c8c8c";
/** Grid lines and lane backgrounds. */
export const GRID = "#e8e8e8";
/** The page. */
export const BACKGROUND = "#ffffff";

export const TITLE_SIZE = 16;
export const SUBTITLE_SIZE = 12;
export const LEGEND_SIZE = 11;
export const CAPTION_SIZE = 11;
/** Plot's axes and marks use this size (Plot's own default). */
export const AXIS_SIZE = 10;

/** Space around the figure and between its blocks, in px. */
export const PAD = 16;
export const GAP = 10;
/** Line height as a multiple of the font size. */
export const LEADING = 1.3;

/** The class name handed to Plot instead of its default, so output never depends on Plot's version. */
export const CLASS_NAME = "gilsim";
