import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { defaultDraft, draftValues, validateParams, type ParamDraft } from '@/components/ParamsForm';
import type { ApiError } from '@/lib/api';
import { useApi } from '@/lib/api';
import { useFieldErrors } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import {
  lastTakeProfit,
  NO_PARTIAL_TAKE_PROFITS,
  partialTakeProfitErrors,
  partialTakeProfitFields,
  partialTakeProfitsDraft,
  type PartialTakeProfitsDraft,
} from '@/lib/partial-take-profits';
import type { AccountList, PineExport, StrategyList } from '@/lib/types';

/**
 * The export form's state: the chosen account, strategy (preselected from the lab's link), its
 * parameters and the leverage; `submit` asks the API for the Pine script and keeps the answer.
 */
const EXPORT_FIELDS = ['leverage', 'account_id', 'strategy', 'params'] as const;

/** The account select's value for an account group: the prefix, then the group's id. */
export const GROUP_TARGET = 'group:';

/** Whole numbers 1–125, as typed: "2.5", "0", "" and "200" are refused, never rounded. */
export function leverageProblem(value: string): boolean {
  if (!/^\d+$/.test(value.trim())) return true;
  const n = Number(value.trim());
  return n < 1 || n > 125;
}

export function useExportForm(strategies: StrategyList | undefined, accounts: AccountList | undefined) {
  const { t, locale } = useI18n();
  const fields = useFieldErrors('exp', EXPORT_FIELDS, {
    leverage: { '*': 'exp.leverageRange' },
  });
  const api = useApi();
  const [strategyId, setStrategyId] = useState('');
  const [accountId, setAccountId] = useState('');
  const [leverage, setLeverage] = useState('1');
  const [draft, setDraft] = useState<ParamDraft>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<PineExport | null>(null);
  // From the lab: the run's plan and figures, sent along so the script and guide carry them.
  const [fromLab, setFromLab] = useState<{ plan?: string; expected?: string }>({});
  // The partial take-profits and break-even: from the lab's plan, editable here, sent in the plan.
  const [partialTakeProfits, setPartialTakeProfits] =
    useState<PartialTakeProfitsDraft>(NO_PARTIAL_TAKE_PROFITS);

  const strategy = useMemo(
    () => strategies?.strategies.find((s) => s.id === strategyId),
    [strategies, strategyId],
  );
  useEffect(() => {
    const first = strategies?.strategies[0];
    if (!strategyId && first) {
      // Coming from the lab: ?strategy=…&params=… preselects what was backtested.
      const query = new URLSearchParams(window.location.search);
      const wanted = strategies?.strategies.find((s) => s.id === query.get('strategy')) ?? first;
      setStrategyId(wanted.id);
      setDraft({ ...defaultDraft(wanted), ...labParams(query.get('params')) });
      const plan = query.get('plan') ?? undefined;
      const expected = query.get('expected') ?? undefined;
      setFromLab({ ...(plan ? { plan } : {}), ...(expected ? { expected } : {}) });
      const labLeverage = labPlanLeverage(plan);
      if (labLeverage !== undefined) setLeverage(labLeverage);
      setPartialTakeProfits(partialTakeProfitsDraft(labPlan(plan)));
    }
  }, [strategies, strategyId]);
  useEffect(() => {
    const first = accounts?.accounts[0];
    if (!accountId && first) setAccountId(first.id);
  }, [accounts, accountId]);

  const chooseStrategy = (id: string) => {
    const next = strategies!.strategies.find((s) => s.id === id)!;
    setStrategyId(next.id);
    setDraft(defaultDraft(next));
    // Another strategy is another form: the old one's errors go with it.
    fields.clear();
    setError(undefined);
  };
  const changeLeverage = (value: string) => {
    setLeverage(value);
    fields.set('leverage', leverageProblem(value) ? t('exp.leverageRange') : undefined);
  };
  const changeAccount = (value: string) => {
    setAccountId(value);
    fields.clear('account_id');
    setError(undefined);
  };

  const errors = strategy ? validateParams(strategy, draft, t, locale) : {};
  const labPlanFields = labPlan(fromLab.plan);
  const partialTakeProfitProblems = partialTakeProfitErrors(
    partialTakeProfits,
    lastTakeProfit(
      numberField(labPlanFields, 'take_profit_pct'),
      numberField(labPlanFields, 'take_profit_atr'),
    ),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (leverageProblem(leverage)) {
      fields.set('leverage', t('exp.leverageRange'));
      return;
    }
    if (!strategy || Object.keys(errors).length > 0 || !accountId) return;
    if (Object.keys(partialTakeProfitProblems).length > 0) return;
    // The lab's plan with the form's partial take-profits in place of the lab's own.
    const plan = {
      ...withoutPartialTakeProfits(labPlanFields),
      ...partialTakeProfitFields(partialTakeProfits),
    };
    setBusy(true);
    setError(undefined);
    try {
      const query = new URLSearchParams({
        strategy: strategy.id,
        ...(accountId.startsWith(GROUP_TARGET)
          ? { group_id: accountId.slice(GROUP_TARGET.length) }
          : { account_id: accountId }),
        params: JSON.stringify(draftValues(draft)),
        leverage: leverage.trim(),
        lang: locale,
        ...fromLab,
        ...(fromLab.plan !== undefined || Object.keys(plan).length > 0 ? { plan: JSON.stringify(plan) } : {}),
      });
      setResult(await api<PineExport>(`/api/v1/simple/export-pine?${query}`));
    } catch (e) {
      if (!fields.fromError(e)) setError(e as ApiError);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };

  return {
    fromLab: fromLab.plan !== undefined,
    strategyId,
    chooseStrategy,
    strategy,
    accountId,
    setAccountId: changeAccount,
    leverage,
    setLeverage: changeLeverage,
    fields,
    draft,
    setDraft,
    errors,
    partialTakeProfits,
    setPartialTakeProfits,
    partialTakeProfitProblems,
    busy,
    error,
    result,
    submit,
  };
}

export type ExportForm = ReturnType<typeof useExportForm>;

/** The lab plan's leverage as the form's text (whole numbers only), when the plan states one. */
function labPlanLeverage(plan: string | undefined): string | undefined {
  if (!plan) return undefined;
  try {
    const leverage = (JSON.parse(plan) as { leverage?: unknown }).leverage;
    return typeof leverage === 'number' && Number.isInteger(leverage) ? String(leverage) : undefined;
  } catch {
    return undefined;
  }
}

/** The lab's `plan` query value as an object; empty when there is none or it does not parse. */
function labPlan(plan: string | undefined): Record<string, unknown> {
  if (!plan) return {};
  try {
    const value: unknown = JSON.parse(plan);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const numberField = (fields: Record<string, unknown>, key: string) =>
  typeof fields[key] === 'number' ? (fields[key] as number) : undefined;

const PARTIAL_TAKE_PROFIT_KEYS = /^(tp[12]_(atr|pct|qty_pct)|break_even)$/;

function withoutPartialTakeProfits(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !PARTIAL_TAKE_PROFIT_KEYS.test(key)));
}

/** The lab's `params` query value (a JSON object of numbers) as a draft; nothing if it does not parse. */
function labParams(raw: string | null): ParamDraft {
  try {
    return Object.fromEntries(
      Object.entries(JSON.parse(raw ?? '{}') as Record<string, number>).map(([k, v]) => [k, String(v)]),
    );
  } catch {
    return {};
  }
}
