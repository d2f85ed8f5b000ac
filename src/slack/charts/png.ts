// SVG to PNG in-process with resvg (a Rust renderer shipped as prebuilt npm binaries: no system
// libraries, no browser) and the subset of Inter shipped in assets/fonts, so text renders the same on
// every machine whatever fonts it has.
import * as path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { PACKAGE_ROOT } from '../../config';
import { CHART_FONT_FAMILY, renderChartSvg } from '../../evidence/charts/svg';
import type { ChartSpec } from '../../evidence/charts/spec';

export const CHART_FONT_FILE = path.join(PACKAGE_ROOT, 'assets', 'fonts', 'Inter-Regular-subset.otf');

/** Rasterizes an SVG document to PNG bytes at its own size. */
export function svgToPng(svg: string): Buffer {
  const r = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: false, fontFiles: [CHART_FONT_FILE], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
  });
  return r.render().asPng();
}

/** A chart spec as PNG bytes. */
export function renderChartPng(spec: ChartSpec): Buffer {
  return svgToPng(renderChartSvg(spec));
}
