'use client';

import type { Dispatch } from 'react';
import { ParamsForm, type ParamDraft } from '@/components/ParamsForm';
import { PartialTakeProfits } from '@/components/PartialTakeProfits';
import { useI18n } from '@/lib/i18n';
import type { StrategyDecl } from '@/lib/types';
import { partialTakeProfitProblems, type ExitMode, type LabAction, type LabSettingsState } from './lab-state';
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
  const setting = (
    key: Exclude<
      keyof LabSettingsState,
      'direction' | 'stopLossMode' | 'takeProfitMode' | 'trailingMode' | 'partialTakeProfits'
    >,
  ) => ({
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
        <ExitSetting
          id="o-sl"
          label={t('lab.stopLoss')}
          mode={settings.stopLossMode}
          value={settings.stopLoss}
          onMode={(value) => dispatch({ type: 'settingEdited', key: 'stopLossMode', value })}
          onValue={(value) => dispatch({ type: 'settingEdited', key: 'stopLoss', value })}
        />
        <ExitSetting
          id="o-tp"
          label={t('lab.takeProfit')}
          mode={settings.takeProfitMode}
          value={settings.takeProfit}
          onMode={(value) => dispatch({ type: 'settingEdited', key: 'takeProfitMode', value })}
          onValue={(value) => dispatch({ type: 'settingEdited', key: 'takeProfit', value })}
        />
        <TradeManagement settings={settings} dispatch={dispatch} />
        <p className="hint">{t('lab.exitHint')}</p>
      </div>
    </fieldset>
  );
}

/**
 * The trailing stop (offset and activation, one unit), the share of the position an exit closes,
 * and the partial take-profits with the break-even move.
 */
function TradeManagement({
  settings,
  dispatch,
}: {
  settings: LabSettingsState;
  dispatch: Dispatch<LabAction>;
}) {
  const { t } = useI18n();
  const setting = (key: 'trailingActivation' | 'closePct') => ({
    value: settings[key],
    onChange: (e: { target: { value: string } }) =>
      dispatch({ type: 'settingEdited', key, value: e.target.value }),
  });
  return (
    <>
      <ExitSetting
        id="o-trail"
        label={t('lab.trailing')}
        mode={settings.trailingMode}
        value={settings.trailingOffset}
        onMode={(value) => dispatch({ type: 'settingEdited', key: 'trailingMode', value })}
        onValue={(value) => dispatch({ type: 'settingEdited', key: 'trailingOffset', value })}
      />
      {settings.trailingMode !== 'none' && (
        <NumberField
          id="o-trail-activation"
          label={t('lab.trailingActivation')}
          min={0}
          step={0.5}
          {...setting('trailingActivation')}
        />
      )}
      <NumberField
        id="o-close-pct"
        label={t('lab.closePct')}
        min={1}
        max={100}
        step={5}
        {...setting('closePct')}
      />
      <PartialTakeProfits
        idPrefix="o"
        value={settings.partialTakeProfits}
        onChange={(value) => dispatch({ type: 'settingEdited', key: 'partialTakeProfits', value })}
        errors={partialTakeProfitProblems(settings)}
      />
    </>
  );
}

/** A stop-loss or take-profit: how it is set (ATR multiples, percent from entry, none) and its value. */
function ExitSetting({
  id,
  label,
  mode,
  value,
  onMode,
  onValue,
}: {
  id: string;
  label: string;
  mode: ExitMode;
  value: string;
  onMode: (mode: ExitMode) => void;
  onValue: (value: string) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={`${id}-mode`}>{label}</label>
      <select id={`${id}-mode`} value={mode} onChange={(e) => onMode(e.target.value as ExitMode)}>
        <option value="atr">{t('lab.exit.atr')}</option>
        <option value="percent">{t('lab.exit.percent')}</option>
        <option value="none">{t('lab.exit.none')}</option>
      </select>
      {mode !== 'none' && (
        <input
          id={id}
          type="number"
          inputMode="decimal"
          aria-label={`${label}, ${t(mode === 'atr' ? 'lab.exit.atr' : 'lab.exit.percent')}`}
          min={0.1}
          max={mode === 'atr' ? 100 : 1000}
          step={0.5}
          value={value}
          onChange={(e) => onValue(e.target.value)}
        />
      )}
    </div>
  );
}
