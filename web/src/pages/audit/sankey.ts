/**
 * ECharts, tree-shaken to the sankey, its tooltip and the SVG renderer. Kept
 * in its own module so the chart code is a separate chunk, fetched only when
 * a report with money in it is on screen.
 */
import { SankeyChart, type SankeySeriesOption } from 'echarts/charts';
import { TooltipComponent, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([SankeyChart, TooltipComponent, SVGRenderer]);

/** The options a sankey with tooltips takes. */
export type SankeyOption = ComposeOption<SankeySeriesOption | TooltipComponentOption>;
export type { ECharts };

/** A chart in `el`, drawn as SVG (no canvas; nothing the CSP forbids). */
export function initSvgChart(el: HTMLElement): ECharts {
  return init(el, undefined, { renderer: 'svg' });
}
