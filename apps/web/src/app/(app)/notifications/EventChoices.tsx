'use client';

import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { NotifyEventKind } from '@/lib/types';

/** The event kinds a channel wants, as checkboxes named `events`. */
export function EventChoices({
  idPrefix,
  kinds,
  chosen,
}: {
  idPrefix: string;
  kinds: readonly NotifyEventKind[];
  chosen: readonly NotifyEventKind[];
}) {
  const { t } = useI18n();
  return (
    <fieldset className="field">
      <legend>{t('ntf.events')}</legend>
      {kinds.map((kind) => (
        <label key={kind} htmlFor={`${idPrefix}-${kind}`} className="check">
          <input
            id={`${idPrefix}-${kind}`}
            type="checkbox"
            name="events"
            value={kind}
            defaultChecked={chosen.includes(kind)}
          />{' '}
          {t(`ntf.event.${kind}` as MessageKey)}
        </label>
      ))}
    </fieldset>
  );
}

export const chosenEvents = (form: FormData) => form.getAll('events').map(String) as NotifyEventKind[];
