'use client';

import { CopyButton, downloadText } from '@/components/ui';
import { useI18n } from '@/lib/i18n';
import type { PineExport } from '@/lib/types';

/** What to paste into TradingView: the webhook URL, the alert message, the Pine script and the guide. */
export function ExportResult({ result, strategyId }: { result: PineExport; strategyId: string }) {
  const { t } = useI18n();
  const alertText = JSON.stringify(result.alert_message_example, null, 2);
  return (
    <>
      <section className="card" aria-labelledby="exp-webhook">
        <h2 id="exp-webhook">{t('exp.webhookUrl')}</h2>
        <div className="secret-row">
          <code data-testid="webhook-url">{result.webhook_url}</code>
          <CopyButton text={result.webhook_url} />
        </div>
        <p className="muted small">{t('exp.webhookNote')}</p>
      </section>
      <section className="card" aria-labelledby="exp-alert">
        <h2 id="exp-alert">{t('exp.alert')}</h2>
        <p className="muted small">{t('exp.alertNote')}</p>
        <pre className="json" data-testid="alert-message">
          {alertText}
        </pre>
        <CopyButton text={alertText} />
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
      <section className="card" aria-labelledby="exp-guide">
        <h2 id="exp-guide">{t('exp.guide')}</h2>
        <pre className="guide" tabIndex={0}>
          {result.guide}
        </pre>
      </section>
    </>
  );
}
