import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { defaultDraft, draftValues, validateParams, type ParamDraft } from '@/components/ParamsForm';
import type { ApiError } from '@/lib/api';
import { useApi } from '@/lib/api';
import { useFieldErrors, type IssueOverrides } from '@/lib/field-errors';
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

const EXPORT_MESSAGES: IssueOverrides = { leverage: { '*': 'exp.leverageRange' } };

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
  const fields = useFieldErrors('exp', EXPORT_FIELDS, EXPORT_MESSAGES);
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
  const ladder = usePartialTakeProfits(fromLab.plan);

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
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (leverageProblem(leverage)) {
      fields.set('leverage', t('exp.leverageRange'));
      return;
    }
    if (!strategy || Object.keys(errors).length > 0 || !accountId || ladder.blocked) return;
    setBusy(true);
    setError(undefined);
    try {
      const query = new URLSearchParams({
        strategy: strategy.id,
        ...exportTarget(accountId),
        params: JSON.stringify(draftValues(draft)),
        leverage: leverage.trim(),
        lang: locale,
        ...fromLab,
        ...ladder.planQuery,
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
    ladder,
    blocked: Object.keys(errors).length > 0 || ladder.blocked || fields.errors.leverage !== undefined,
    busy,
    error,
    result,
    submit,
  };
}

export type ExportForm = ReturnType<typeof useExportForm>;

/** Where the alerts go: an account, or an account group (the select's value with the group prefix). */
function exportTarget(accountId: string): { group_id: string } | { account_id: string } {
  return accountId.startsWith(GROUP_TARGET)
    ? { group_id: accountId.slice(GROUP_TARGET.length) }
    : { account_id: accountId };
}

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

/**
 * The export's partial take-profits and break-even: loaded from the lab's plan, edited in the form,
 * checked with the trade plan's rule against the plan's last take-profit, and sent in the plan in
 * place of the lab's own (`planQuery`: no `plan` at all when there is neither a lab plan nor a row).
 */
function usePartialTakeProfits(labPlanText: string | undefined) {
  const [draft, setDraft] = useState<PartialTakeProfitsDraft>(NO_PARTIAL_TAKE_PROFITS);
  // The lab's plan arrives once, with the link: its rows are loaded then (React's adjust-on-change pattern).
  const [loadedFrom, setLoadedFrom] = useState<string | undefined>();
  if (labPlanText !== loadedFrom) {
    setLoadedFrom(labPlanText);
    setDraft(partialTakeProfitsDraft(labPlan(labPlanText)));
  }
  const fields = labPlan(labPlanText);
  const problems = partialTakeProfitErrors(
    draft,
    lastTakeProfit(numberField(fields, 'take_profit_pct'), numberField(fields, 'take_profit_atr')),
  );
  const plan = { ...withoutPartialTakeProfits(fields), ...partialTakeProfitFields(draft) };
  const planQuery: { plan?: string } =
    labPlanText !== undefined || Object.keys(plan).length > 0 ? { plan: JSON.stringify(plan) } : {};
  return { draft, setDraft, problems, blocked: Object.keys(problems).length > 0, planQuery };
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
