'use client';

import { ParamsForm } from '@/components/ParamsForm';
import { PartialTakeProfits } from '@/components/PartialTakeProfits';
import { ErrorMessage, FieldError } from '@/components/ui';
import { useI18n } from '@/lib/i18n';
import type { Account, AccountGroup, StrategyDecl } from '@/lib/types';
import { GROUP_TARGET, type ExportForm as ExportFormState } from './use-export-form';

/** The account (or account group), strategy, leverage and parameters to generate the Pine script for. */
export function ExportForm({
  accounts,
  groups,
  strategies,
  form,
}: {
  accounts: Account[];
  groups: AccountGroup[];
  strategies: StrategyDecl[];
  form: ExportFormState;
}) {
  const { t, locale } = useI18n();
  const { strategy, errors } = form;
  return (
    <form className="card" onSubmit={form.submit} noValidate>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="exp-account">{t('exp.account')}</label>
          <select
            id="exp-account"
            value={form.accountId}
            onChange={(e) => form.setAccountId(e.target.value)}
            {...form.fields.inputProps('account_id')}
          >
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {(a.label || a.exchange) +
                  ` · ${a.exchange === 'paper' ? t('acc.paperBadge') : a.testnet ? t('acc.testnetBadge') : t('acc.mainnetBadge')} · ${a.id.slice(0, 8)}`}
              </option>
            ))}
            {groups.length > 0 ? (
              <optgroup label={t('exp.groups')}>
                {groups.map((g) => (
                  <option key={g.id} value={GROUP_TARGET + g.id}>
                    {`${g.name} · ${t('exp.groupMembers', { n: g.members.length })}`}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
          {form.accountId.startsWith(GROUP_TARGET) ? (
            <p className="muted small" id="exp-group-note">
              {t('exp.groupNote')}
            </p>
          ) : null}
          <FieldError formId="exp" field="account_id" error={form.fields.errors.account_id} />
        </div>
        <div className="field">
          <label htmlFor="exp-strategy">{t('lab.strategy')}</label>
          <select
            id="exp-strategy"
            value={form.strategyId}
            onChange={(e) => form.chooseStrategy(e.target.value)}
          >
            {strategies.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name[locale]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="exp-leverage">{t('exp.leverage')}</label>
          <input
            id="exp-leverage"
            type="number"
            inputMode="numeric"
            min={1}
            max={125}
            step={1}
            value={form.leverage}
            onChange={(e) => form.setLeverage(e.target.value)}
            {...form.fields.inputProps('leverage')}
          />
          <FieldError formId="exp" field="leverage" error={form.fields.errors.leverage} />
        </div>
      </div>
      <TradeManagement form={form} />
      {strategy ? (
        <>
          <p className="muted">{strategy.description[locale]}</p>
          <ParamsForm
            strategy={strategy}
            draft={form.draft}
            onChange={form.setDraft}
            errors={errors}
            idPrefix="exp"
          />
        </>
      ) : null}
      <ErrorMessage error={form.error} />
      <button type="submit" disabled={form.busy || form.blocked}>
        {form.busy ? t('exp.generating') : t('exp.generate')}
      </button>
    </form>
  );
}

/** The partial take-profits and the break-even move the script and its alerts carry. */
function TradeManagement({ form }: { form: ExportFormState }) {
  const { t } = useI18n();
  return (
    <fieldset>
      <legend>{t('exp.tradeManagement')}</legend>
      <p className="muted small">{t('exp.tradeManagementNote')}</p>
      <div className="form-grid">
        <PartialTakeProfits
          idPrefix="exp"
          value={form.ladder.draft}
          onChange={form.ladder.setDraft}
          errors={form.ladder.problems}
        />
      </div>
    </fieldset>
  );
}
