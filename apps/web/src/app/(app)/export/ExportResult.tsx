'use client';

import { Markdown } from '@/components/Markdown';
import { CopyButton, downloadText } from '@/components/ui';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { PineExport } from '@/lib/types';

/** What TradingView's alert box must hold: the script builds each order's message itself. */
export const ALERT_BOX_TEXT = '{{strategy.order.alert_message}}';

/**
 * What to do in TradingView, in order: what goes in the alert (message and webhook URL), the
 * setup guide as formatted steps, then the Pine script; the JSON the script sends is an example,
 * folded away, so it is not pasted into the alert by mistake.
 */
export function ExportResult({ result, strategyId }: { result: PineExport; strategyId: string }) {
  const { t } = useI18n();
  const alertText = JSON.stringify(result.alert_message_example, null, 2);
  return (
    <>
      <section className="card alert-setup" aria-labelledby="exp-alert">
        <h2 id="exp-alert">{t('exp.alertBox')}</h2>
        <p>{t('exp.alertBoxNote')}</p>
        <div className="secret-row">
          <code className="paste-this" data-testid="alert-box-text">
            {ALERT_BOX_TEXT}
          </code>
          <CopyButton text={ALERT_BOX_TEXT} />
        </div>
        <h3>{t('exp.webhookUrl')}</h3>
        <div className="secret-row">
          <code data-testid="webhook-url">{result.webhook_url}</code>
          <CopyButton text={result.webhook_url} />
        </div>
        <p className="muted small">{t('exp.webhookNote')}</p>
        <details className="example">
          <summary>{t('exp.alertExample')}</summary>
          <p className="muted small">{t('exp.alertNote')}</p>
          <pre className="json" data-testid="alert-message" tabIndex={0}>
            {alertText}
          </pre>
        </details>
      </section>
      <PlanCard plan={result.plan} />
      <section className="card guide" aria-labelledby="exp-guide">
        <h2 id="exp-guide">{t('exp.guide')}</h2>
        <Markdown text={result.guide} headingLevel={3} />
      </section>
      <section className="card" aria-labelledby="exp-script">
        <h2 id="exp-script">{t('exp.script')}</h2>
        <div className="actions">
          <CopyButton text={result.script} />
          <button
            type="button"
            className="secondary"
            onClick={() => downloadText(`${strategyId}.pine`, result.script)}
          >
            {t('common.download')}
          </button>
        </div>
        <pre className="code-block" data-testid="pine-script" tabIndex={0}>
          {result.script}
        </pre>
      </section>
    </>
  );
}

/** The trade plan the script carries (its defaults; every alert states it). */
function PlanCard({ plan }: { plan: PineExport['plan'] }) {
  const { t } = useI18n();
  const exit = (
    rule: PineExport['plan']['stop_loss'] | PineExport['plan']['partial_take_profits'][number]['distance'],
  ) =>
    rule.type === 'atr'
      ? `${rule.multiplier} × ATR(${plan.atr_period})`
      : rule.type === 'percent'
        ? `${rule.percent} %`
        : t('exp.planNone');
  const trailing = plan.trailing;
  const unit = (value: number) =>
    trailing.type === 'atr' ? `${value} × ATR(${plan.atr_period})` : `${value} %`;
  const rows: [MessageKey, string][] = [
    ['exp.planLeverage', `${plan.leverage}x`],
    ['exp.planSize', `${plan.size_pct} %`],
    ['exp.planStopLoss', exit(plan.stop_loss)],
    ['exp.planTakeProfit', exit(plan.take_profit)],
    [
      'exp.planPartialTakeProfits',
      plan.partial_take_profits.length === 0
        ? t('exp.planNone')
        : plan.partial_take_profits
            .map((partial) =>
              t('exp.planPartialTakeProfit', { qty: partial.qty_pct, distance: exit(partial.distance) }),
            )
            .join(' · '),
    ],
    ['exp.planBreakEven', plan.break_even ? t('common.yes') : t('common.no')],
    [
      'exp.planTrailing',
      trailing.type === 'none'
        ? t('exp.planNone')
        : t('exp.planTrailingValue', {
            offset: unit(trailing.offset),
            activation: unit(trailing.activation),
          }),
    ],
    ['exp.planClosePct', `${plan.close_pct} %`],
    ['exp.planDirection', plan.direction],
    ['exp.planCapital', String(plan.initial_capital)],
    ['exp.planCosts', `${plan.commission_pct} % · ${plan.slippage_ticks}`],
    ['exp.planBarMagnifier', plan.bar_magnifier ? t('common.yes') : t('common.no')],
  ];
  return (
    <section className="card" aria-labelledby="exp-plan">
      <h2 id="exp-plan">{t('exp.plan')}</h2>
      <p className="muted small">{t('exp.planNote')}</p>
      {plan.funding ? (
        <p className="small" role="note">
          {t('exp.fundingNote')}
        </p>
      ) : null}
      <table className="metrics" data-testid="export-plan">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{t(label)}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
