'use client';

import type { Dispatch } from 'react';
import { ParamsForm, type ParamDraft } from '@/components/ParamsForm';
import { useI18n } from '@/lib/i18n';
import type { StrategyDecl } from '@/lib/types';
import type { LabAction, LabSettingsState } from './lab-state';
import { NumberField } from './NumberField';

/** The strategy, its rules and parameters, and the backtest options: the first part of the lab's form. */
export function LabSettings({
  strategies,
  strategyId,
  strategy,
  draft,
  errors,
  settings,
  dispatch,
}: {
  strategies: StrategyDecl[];
  strategyId: string;
  strategy: StrategyDecl | undefined;
  draft: ParamDraft;
  errors: Record<string, string>;
  settings: LabSettingsState;
  dispatch: Dispatch<LabAction>;
}) {
  return (
    <>
      <StrategyPicker strategies={strategies} chosen={strategyId} dispatch={dispatch} />
      {strategy ? <StrategyRules strategy={strategy} /> : null}
      {strategy ? (
        <ParamsForm
          strategy={strategy}
          draft={draft}
          onChange={(next) => dispatch({ type: 'paramsEdited', draft: next })}
          errors={errors}
        />
      ) : null}
      <BacktestOptions settings={settings} dispatch={dispatch} />
    </>
  );
}

function StrategyPicker({
  strategies,
  chosen,
  dispatch,
}: {
  strategies: StrategyDecl[];
  chosen: string;
  dispatch: Dispatch<LabAction>;
}) {
  const { t, locale } = useI18n();
  return (
    <fieldset>
      <legend>{t('lab.strategy')}</legend>
      <div className="strategy-grid">
        {strategies.map((s) => (
          <label key={s.id} className={`strategy-option${s.id === chosen ? ' selected' : ''}`}>
            <input
              type="radio"
              name="strategy"
              value={s.id}
              checked={s.id === chosen}
              onChange={() => dispatch({ type: 'strategyChosen', strategy: s })}
            />
            <span className="strategy-name">{s.name[locale]}</span>
            <span className="muted small">{s.description[locale]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function StrategyRules({ strategy }: { strategy: StrategyDecl }) {
  const { t, locale } = useI18n();
  return (
    <details className="rules">
      <summary>{t('lab.rules')}</summary>
      <dl className="kv">
        {(
          [
            ['long_entry', 'lab.rule.longEntry'],
            ['long_exit', 'lab.rule.longExit'],
            ['short_entry', 'lab.rule.shortEntry'],
            ['short_exit', 'lab.rule.shortExit'],
          ] as const
        ).map(([rule, label]) => (
          <div key={rule}>
            <dt>{t(label)}</dt>
            <dd>{strategy.rules[rule][locale]}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function BacktestOptions({
  settings,
  dispatch,
}: {
  settings: LabSettingsState;
  dispatch: Dispatch<LabAction>;
}) {
  const { t } = useI18n();
  const setting = (key: Exclude<keyof LabSettingsState, 'direction'>) => ({
    value: settings[key],
    onChange: (e: { target: { value: string } }) =>
      dispatch({ type: 'settingEdited', key, value: e.target.value }),
  });
  return (
    <fieldset>
      <legend>{t('lab.options')}</legend>
      <div className="form-grid">
        <NumberField id="o-capital" label={t('lab.capital')} min={1} step={100} {...setting('capital')} />
        <NumberField
          id="o-size"
          label={t('lab.sizePct')}
          min={0.1}
          max={100}
          step={1}
          {...setting('sizePct')}
        />
        <NumberField
          id="o-lev"
          label={t('lab.leverage')}
          min={1}
          max={125}
          step={1}
          {...setting('leverage')}
        />
        <NumberField
          id="o-fee"
          label={t('lab.commission')}
          min={0}
          max={10}
          step={0.01}
          {...setting('commission')}
        />
        <div className="field">
          <label htmlFor="o-dir">{t('lab.direction')}</label>
          <select
            id="o-dir"
            value={settings.direction}
            onChange={(e) =>
              dispatch({
                type: 'settingEdited',
                key: 'direction',
                value: e.target.value as LabSettingsState['direction'],
              })
            }
          >
            <option value="both">{t('lab.direction.both')}</option>
            <option value="long">{t('lab.direction.long')}</option>
            <option value="short">{t('lab.direction.short')}</option>
          </select>
        </div>
        <NumberField
          id="o-sl"
          label={t('lab.stopLoss')}
          min={0.1}
          max={100}
          step={0.5}
          {...setting('stopLoss')}
        />
        <NumberField
          id="o-tp"
          label={t('lab.takeProfit')}
          min={0.1}
          max={1000}
          step={0.5}
          {...setting('takeProfit')}
        />
      </div>
    </fieldset>
  );
}
