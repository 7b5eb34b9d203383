/**
 * The money-flow sankey. ECharts (tree-shaken, SVG renderer) is imported on
 * demand, so the charity list and the trace pages do not download it.
 * Tooltips are drawn as SVG rich text rather than HTML, so no record text
 * ever goes through innerHTML.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from '../../components/state';
import type { Flow, FlowNodeKind } from './flow';
import type { ECharts, SankeyOption } from './sankey';

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

  const [state, setState] = useState<{ ready: boolean; error?: unknown }>({ ready: false });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let chart: ECharts | undefined;
    let observer: ResizeObserver | undefined;
    let gone = false;
    const label = (id: string) => labels.get(id) ?? id;
    const draw = () => {
      if (!chart) return;
      const narrow = el.clientWidth < 560;
      const option: SankeyOption = {
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
    import('./sankey').then(
      ({ initSvgChart }) => {
        if (gone) return;
        chart = initSvgChart(el);
        draw();
        setState({ ready: true });
        // The chart follows its box: phone rotation, window resizing.
        observer = new ResizeObserver(() => {
          chart?.resize();
          draw();
        });
        observer.observe(el);
      },
      (error: unknown) => !gone && setState({ ready: false, error }),
    );
    return () => {
      gone = true;
      observer?.disconnect();
      chart?.dispose();
    };
  }, [flow, labels, money]);

  return (
    <>
      {state.error !== undefined ? <ErrorNotice error={state.error} /> : !state.ready && <Loading />}
      <div ref={box} class="flow-chart" data-testid="flow-chart" role="img" aria-label={ariaLabel} aria-busy={!state.ready} style={{ height: `${height}px` }} />
    </>
  );
}
