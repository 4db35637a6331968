'use client';

import { FieldError } from '@/components/ui';
import { fieldErrorId } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type {
  PartialTakeProfitField,
  PartialTakeProfitsDraft,
  TakeProfitRowDraft,
} from '@/lib/partial-take-profits';

/**
 * Up to two partial take-profits (each: how its distance is set, the distance, the percent of the
 * entry it closes) and the break-even checkbox, shown once the first is on. Used by the lab's
 * settings and the export form; the errors come from `partialTakeProfitErrors`.
 */
export function PartialTakeProfits({
  idPrefix,
  value,
  onChange,
  errors,
}: {
  idPrefix: string;
  value: PartialTakeProfitsDraft;
  onChange: (next: PartialTakeProfitsDraft) => void;
  errors: Partial<Record<PartialTakeProfitField, MessageKey>>;
}) {
  const { t } = useI18n();
  const setRow = (index: 0 | 1, row: TakeProfitRowDraft) =>
    onChange({
      ...value,
      rows: index === 0 ? [row, value.rows[1]] : [value.rows[0], row],
    });
  const shown = value.rows[0].mode === 'none' ? [0 as const] : [0 as const, 1 as const];
  return (
    <>
      {shown.map((index) => (
        <TakeProfitRow
          key={index}
          id={`${idPrefix}-tp${index + 1}`}
          n={index + 1}
          row={value.rows[index]}
          onChange={(row) => setRow(index, row)}
          distanceError={errors[`tp${(index + 1) as 1 | 2}_distance`]}
          qtyError={errors[`tp${(index + 1) as 1 | 2}_qty_pct`]}
        />
      ))}
      {value.rows[0].mode !== 'none' ? (
        <div className="field checkbox">
          <input
            id={`${idPrefix}-break-even`}
            type="checkbox"
            checked={value.breakEven}
            onChange={(e) => onChange({ ...value, breakEven: e.target.checked })}
          />
          <label htmlFor={`${idPrefix}-break-even`}>{t('tp.breakEven')}</label>
        </div>
      ) : null}
    </>
  );
}

function TakeProfitRow({
  id,
  n,
  row,
  onChange,
  distanceError,
  qtyError,
}: {
  id: string;
  n: number;
  row: TakeProfitRowDraft;
  onChange: (row: TakeProfitRowDraft) => void;
  distanceError: MessageKey | undefined;
  qtyError: MessageKey | undefined;
}) {
  const { t } = useI18n();
  const label = t('tp.partial', { n });
  const invalid = (error: MessageKey | undefined, field: string) =>
    error ? { 'aria-invalid': true as const, 'aria-describedby': fieldErrorId(id, field) } : {};
  return (
    <div className="field">
      <label htmlFor={`${id}-mode`}>{label}</label>
      <select
        id={`${id}-mode`}
        value={row.mode}
        onChange={(e) => onChange({ ...row, mode: e.target.value as TakeProfitRowDraft['mode'] })}
      >
        <option value="none">{t('lab.exit.none')}</option>
        <option value="atr">{t('lab.exit.atr')}</option>
        <option value="percent">{t('lab.exit.percent')}</option>
      </select>
      {row.mode !== 'none' ? (
        <>
          <input
            id={`${id}-distance`}
            type="number"
            inputMode="decimal"
            aria-label={`${label}, ${t(row.mode === 'atr' ? 'lab.exit.atr' : 'lab.exit.percent')}`}
            min={0.1}
            step={0.5}
            value={row.distance}
            onChange={(e) => onChange({ ...row, distance: e.target.value })}
            {...invalid(distanceError, 'distance')}
          />
          <FieldError formId={id} field="distance" error={distanceError && t(distanceError)} />
          <label htmlFor={`${id}-qty`}>{t('tp.qtyPct', { n })}</label>
          <input
            id={`${id}-qty`}
            type="number"
            inputMode="decimal"
            min={1}
            max={99}
            step={5}
            value={row.qtyPct}
            onChange={(e) => onChange({ ...row, qtyPct: e.target.value })}
            {...invalid(qtyError, 'qty')}
          />
          <FieldError formId={id} field="qty" error={qtyError && t(qtyError)} />
        </>
      ) : null}
    </div>
  );
}
