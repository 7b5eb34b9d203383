import { useI18n } from '../../i18n';
import type { Project } from '../../lib/types';

/** Raised as a whole percentage of the target, floored so 99.6 % never reads as done. */
export function percentRaised(p: Pick<Project, 'raised' | 'targetAmount'>): number {
  return p.targetAmount > 0 ? Math.floor((p.raised * 100) / p.targetAmount) : 0;
}

/** A progress bar of raised against target, with the same figure in words for those who cannot see the bar. */
export function RaisedBar(props: { project: Project }) {
  const { t, money } = useI18n();
  const p = props.project;
  const label = t('charity.figures.progress', { percent: percentRaised(p), raised: money(p.raised), target: money(p.targetAmount) });
  return (
    <div class="raised-bar">
      <progress max={p.targetAmount} value={Math.min(p.raised, p.targetAmount)} aria-label={label} data-testid="raised-progress" />
      <span class="hint">{label}</span>
    </div>
  );
}

/** The four money figures of a project; `data-fen` carries the exact amount for scripts and tests. */
export function Figures(props: { project: Project }) {
  const { t, money } = useI18n();
  const p = props.project;
  const row = (key: 'targetAmount' | 'raised' | 'disbursed' | 'balance', testid: string) => (
    <div class="figure">
      <dt>{t(`charity.figures.${key}`)}</dt>
      <dd data-testid={testid} data-fen={p[key]}>
        {money(p[key])}
      </dd>
    </div>
  );
  return (
    <dl class="figures" data-testid="project-figures">
      {row('targetAmount', 'figure-target')}
      {row('raised', 'figure-raised')}
      {row('disbursed', 'figure-disbursed')}
      {row('balance', 'figure-balance')}
    </dl>
  );
}
