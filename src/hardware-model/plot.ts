// Charts: Vega-Lite specifications compiled to Vega and rendered to SVG in Node (renderer 'none': no
// canvas, no DOM), so the figures come from the data, never from hand-placed SVG.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * A Vega-Lite specification as plain data. The experiments build nested specs (hconcat, layers) from rows;
 * typing each against vega-lite's deep union types buys little, and `compile` checks the spec anyway.
 */
export type ChartSpec = Readonly<Record<string, unknown>>;

export async function renderSvg(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Shared look: white background, readable fonts. */
export const CHART_CONFIG = {
  background: 'white',
  font: 'DejaVu Sans, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14 },
} as const;
