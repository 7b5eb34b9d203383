/**
 * The money-flow sankey. ECharts is tree-shaken to the sankey, its tooltip and
 * the SVG renderer: small, no canvas fingerprinting, and nothing the CSP
 * forbids (no eval, no remote resources). Tooltips are drawn as SVG rich text
 * rather than HTML, so no record text ever goes through innerHTML.
 */
import { SankeyChart, type SankeySeriesOption } from 'echarts/charts';
import { TooltipComponent, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';
import type { Flow, FlowNodeKind } from './flow';

use([SankeyChart, TooltipComponent, SVGRenderer]);

type Option = ComposeOption<SankeySeriesOption | TooltipComponentOption>;

/** Colours per kind of node, dark enough for white-background labels next to them. */
const COLOURS: Record<FlowNodeKind, string> = {
  donor: '#1f5fae',
  'other-donors': '#5b7fb3',
  anonymous: '#6b6f80',
  earlier: '#8a6d3b',
  project: '#b1232a',
  category: '#17753a',
  beneficiary: '#7b3fa0',
  payee: '#0f6e75',
  'other-recipients': '#5f8f93',
  unnamed: '#6b6f80',
  unspent: '#a0a6b2',
};

export interface FlowChartProps {
  flow: Flow;
  /** The words for each node id. */
  labels: ReadonlyMap<string, string>;
  /** Fen as money text. */
  money: (fen: number) => string;
  /** What a screen reader hears for the whole chart. */
  ariaLabel: string;
}

export function FlowChart(props: FlowChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const { flow, labels, money, ariaLabel } = props;
  const perLayer = [0, 0, 0, 0];
  for (const n of flow.nodes) perLayer[n.layer] += 1;
  const height = Math.min(1200, Math.max(320, Math.max(...perLayer) * 40 + 40));

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = init(el, undefined, { renderer: 'svg' });
    const label = (id: string) => labels.get(id) ?? id;
    const draw = () => {
      const narrow = el.clientWidth < 560;
      const option: Option = {
        animation: false,
        tooltip: {
          trigger: 'item',
          renderMode: 'richText',
          formatter: (p) => {
            const item = Array.isArray(p) ? p[0] : p;
            const data = item.data as { source?: string; target?: string; name?: string; value?: number };
            const value = typeof item.value === 'number' ? item.value : (data.value ?? 0);
            if (item.dataType === 'edge' && data.source !== undefined && data.target !== undefined) {
              return `${label(data.source)} → ${label(data.target)}\n${money(value)}`;
            }
            return `${label(data.name ?? '')}\n${money(value)}`;
          },
        },
        series: [
          {
            type: 'sankey',
            left: 8,
            top: 8,
            bottom: 8,
            right: narrow ? 96 : 180,
            nodeWidth: narrow ? 12 : 18,
            nodeGap: 10,
            draggable: false,
            layoutIterations: 32,
            emphasis: { focus: 'adjacency' },
            label: {
              color: '#1d2330',
              fontSize: narrow ? 11 : 13,
              width: narrow ? 84 : 168,
              overflow: 'truncate',
              formatter: (p) => label(p.name),
            },
            lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
            data: flow.nodes.map((n) => ({ name: n.id, value: n.value, depth: n.layer, itemStyle: { color: COLOURS[n.kind] } })),
            links: flow.links.map((l) => ({ source: l.source, target: l.target, value: l.value })),
          },
        ],
      };
      chart.setOption(option, true);
    };
    draw();
    // The chart follows its box: phone rotation, window resizing, the side panel opening.
    const observer = new ResizeObserver(() => {
      chart.resize();
      draw();
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [flow, labels, money]);

  return <div ref={box} class="flow-chart" data-testid="flow-chart" role="img" aria-label={ariaLabel} style={{ height: `${height}px` }} />;
}
