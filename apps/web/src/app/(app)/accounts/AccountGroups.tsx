'use client';

import { useId, useState, type FormEvent } from 'react';
import { SecretPanel } from '@/components/SecretPanel';
import { Empty, ErrorMessage, FieldError, Loading } from '@/components/ui';
import { ApiError, useApi, useResource } from '@/lib/api';
import { useFieldErrors } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import type {
  Account,
  AccountGroup,
  AccountGroupList,
  AccountGroupSecretRotated,
  CreatedAccountGroup,
} from '@/lib/types';
import { ConfirmDialog, useAction } from './AccountRow';

const FIELDS = ['name', 'account_ids'] as const;
type Field = (typeof FIELDS)[number];
type GroupInput = { name: string; account_ids: string[] };

/**
 * Account groups: one alert (`group_id` + the group's secret) runs on every member account, each
 * with its own settings. Create a group from the user's accounts, change its name and members,
 * issue a new secret, delete it.
 */
export function AccountGroupsSection({ accounts }: { accounts: Account[] }) {
  const { t } = useI18n();
  const api = useApi();
  const list = useResource<AccountGroupList>('/api/v1/account-groups');
  const [issued, setIssued] = useState<{ group: string; name: string; secret: string } | null>(null);

  const create = async (input: GroupInput) => {
    const created = await api<CreatedAccountGroup>('/api/v1/account-groups', { method: 'POST', body: input });
    setIssued({ group: created.id, name: created.name, secret: created.webhook_secret });
    list.reload();
  };

  return (
    <section className="card" aria-labelledby="groups-title">
      <h2 id="groups-title">{t('groups.title')}</h2>
      <p className="muted">{t('groups.intro')}</p>
      {issued ? (
        <SecretPanel
          accountId={issued.group}
          secret={issued.secret}
          title={t('groups.secretTitle', { name: issued.name })}
          idLabel={t('groups.groupId')}
          onDone={() => setIssued(null)}
        />
      ) : null}
      {accounts.length === 0 ? (
        <Empty>{t('groups.noAccounts')}</Empty>
      ) : (
        <GroupForm accounts={accounts} submitLabel={t('groups.create')} onSubmit={create} />
      )}
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.data && list.data.groups.length === 0 ? <Empty>{t('groups.empty')}</Empty> : null}
      {list.data && list.data.groups.length > 0 ? (
        <ul className="account-list">
          {list.data.groups.map((group) => (
            <GroupRow
              key={group.id}
              group={group}
              accounts={accounts}
              onChanged={list.reload}
              onRotated={(secret) => setIssued({ group: group.id, name: group.name, secret })}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** A group's name and member accounts (checkboxes), for creating or changing a group. */
function GroupForm({
  accounts,
  initial,
  submitLabel,
  onSubmit,
}: {
  accounts: Account[];
  initial?: GroupInput;
  submitLabel: string;
  onSubmit: (input: GroupInput) => Promise<void>;
}) {
  const { t } = useI18n();
  const id = useId();
  const errors = useFieldErrors<Field>(id, FIELDS);
  const [name, setName] = useState(initial?.name ?? '');
  const [members, setMembers] = useState<string[]>(initial?.account_ids ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (errors.requireFilled({ name, account_ids: members.join(',') }, FIELDS)) return;
    setBusy(true);
    try {
      await onSubmit({ name: name.trim(), account_ids: members });
      if (!initial) {
        setName('');
        setMembers([]);
      }
    } catch (e) {
      const apiError = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0);
      if (!errors.fromError(apiError)) setError(apiError);
    } finally {
      setBusy(false);
    }
  };
  const toggle = (accountId: string) => {
    errors.clear('account_ids');
    setMembers((current) =>
      current.includes(accountId) ? current.filter((m) => m !== accountId) : [...current, accountId],
    );
  };

  return (
    <form onSubmit={submit} noValidate className="group-form">
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('groups.name')}</label>
        <input
          id={`${id}-name`}
          maxLength={64}
          value={name}
          onChange={(event) => {
            errors.clear('name');
            setName(event.target.value);
          }}
          {...errors.inputProps('name')}
        />
        <FieldError formId={id} field="name" error={errors.errors.name} />
      </div>
      <fieldset className="field" {...errors.inputProps('account_ids')}>
        <legend>{t('groups.members')}</legend>
        {accounts.map((account) => (
          <label key={account.id} className="checkbox">
            <input
              type="checkbox"
              checked={members.includes(account.id)}
              onChange={() => toggle(account.id)}
            />
            {accountName(t, account)} <code className="muted">{account.id.slice(0, 8)}</code>
          </label>
        ))}
        <FieldError formId={id} field="account_ids" error={errors.errors.account_ids} />
      </fieldset>
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

type Translate = ReturnType<typeof useI18n>['t'];

function accountName(t: Translate, account: { label: string; exchange: Account['exchange'] }) {
  return account.label || t(`acc.exchange.${account.exchange}`);
}

/** One group: its members, id and secret hint; change, new secret, delete. */
function GroupRow({
  group,
  accounts,
  onChanged,
  onRotated,
}: {
  group: AccountGroup;
  accounts: Account[];
  onChanged: () => void;
  onRotated: (secret: string) => void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState<'delete' | 'rotate' | null>(null);
  const { busy, error, run } = useAction();
  const path = `/api/v1/account-groups/${group.id}`;

  const save = async (input: GroupInput) => {
    await api(path, { method: 'PATCH', body: input });
    setEditing(false);
    onChanged();
  };
  const confirm = (totpCode: string) =>
    run(async () => {
      const headers: Record<string, string> = totpCode.trim() ? { 'x-totp-code': totpCode.trim() } : {};
      if (confirming === 'delete') {
        await api(path, { method: 'DELETE', headers });
      } else {
        const answer = await api<AccountGroupSecretRotated>(`${path}/webhook-secret/rotate`, {
          method: 'POST',
          headers,
        });
        onRotated(answer.webhook_secret);
      }
      setConfirming(null);
      onChanged();
    });

  return (
    <li className="account-row" data-testid={`group-${group.id}`}>
      <div className="account-main">
        <strong>{group.name}</strong>
        {group.members.map((member) => (
          <span key={member.account_id} className={`badge ${member.is_active ? '' : 'inactive'}`}>
            {accountName(t, member)} · {member.exchange.toUpperCase()}
          </span>
        ))}
      </div>
      <dl className="account-meta">
        <div>
          <dt>{t('groups.groupId')}</dt>
          <dd>
            <code>{group.id}</code>
          </dd>
        </div>
        <div>
          <dt>{t('acc.secretHint')}</dt>
          <dd>
            <code>…{group.webhook_secret_hint}</code>
          </dd>
        </div>
      </dl>
      <p className="muted">{t('groups.alertHint')}</p>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => setEditing((e) => !e)}>
          {t('groups.edit')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming('rotate')}>
          {t('acc.rotate')}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => setConfirming('delete')}>
          {t('acc.delete')}
        </button>
      </div>
      {editing ? (
        <GroupForm
          accounts={accounts}
          initial={{ name: group.name, account_ids: group.members.map((m) => m.account_id) }}
          submitLabel={t('groups.save')}
          onSubmit={save}
        />
      ) : null}
      {confirming ? (
        <ConfirmDialog
          accountId={group.id}
          confirming={confirming}
          busy={busy}
          onConfirm={confirm}
          onCancel={() => setConfirming(null)}
          texts={
            confirming === 'delete'
              ? { question: t('groups.confirmDelete'), button: t('acc.confirmDeleteButton') }
              : { question: t('acc.confirmRotate'), button: t('acc.confirmRotateButton') }
          }
        />
      ) : null}
      <ErrorMessage error={error} />
    </li>
  );
}
