/** A finished figure: one standalone SVG document, its size in CSS px and its title (for alt text). */
export interface Figure {
  svg: string;
  width: number;
  height: number;
  title: string;
  /** The caption drawn under the plot, when there is one. */
  caption?: string | undefined;
}

/** Options every chart takes. */
export interface FigureOptions {
  /** Width of the whole figure in px; each chart documents its default. */
  width?: number;
  /** Height of the plotting area in px (titles, legend and caption add to it); each chart documents its default. */
  height?: number;
  /** Bold line at the top; each chart derives a default from its data. */
  title?: string;
  /** Smaller line under the title; default none, or derived from the data where a chart says so. */
  subtitle?: string;
  /** Paragraph under the plot, wrapped to the figure width; each chart writes a default that says how to read it. */
  caption?: string;
}

/** FigureOptions with every default resolved. */
export interface FigureText {
  width: number;
  height: number;
  title: string;
  subtitle: string | undefined;
  caption: string | undefined;
}
