'use client';

import { LIVE_VENUE_IDS, VENUE_FACTS } from '@tradingbot/core/venues';
import type { Dispatch } from 'react';
import { useI18n } from '@/lib/i18n';
import type { DownloadExchange, DownloadState, LabAction, LabDataState } from './lab-state';

const CSV_MAX = 4 * 1024 * 1024;
const TIMEFRAMES = ['15m', '30m', '1h', '4h', '1d'];

/** Where the candles come from: the built-in sample, an uploaded CSV, or a download from a venue. */
export function LabData({ data, dispatch }: { data: LabDataState; dispatch: Dispatch<LabAction> }) {
  const { t } = useI18n();
  return (
    <fieldset>
      <legend>{t('lab.data')}</legend>
      <div className="radio-list">
        {(['sample', 'csv', 'exchange'] as const).map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name="data"
              value={choice}
              checked={data.choice === choice}
              onChange={() => dispatch({ type: 'dataSourceChosen', choice })}
            />{' '}
            {t(`lab.data.${choice}`)}
          </label>
        ))}
      </div>
      {data.choice === 'csv' ? <CsvField data={data} dispatch={dispatch} /> : null}
      {data.choice === 'exchange' ? <DownloadFields download={data.download} dispatch={dispatch} /> : null}
      {data.choice !== 'exchange' ? (
        <div className="field narrow">
          <label htmlFor="tf">{t('lab.timeframe')}</label>
          <select
            id="tf"
            value={data.timeframe}
            onChange={(e) => dispatch({ type: 'timeframeChosen', timeframe: e.target.value })}
          >
            <option value="">{t('lab.timeframe.native')}</option>
            {TIMEFRAMES.map((tf) => (
              <option key={tf} value={tf}>
                {tf}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </fieldset>
  );
}

function CsvField({ data, dispatch }: { data: LabDataState; dispatch: Dispatch<LabAction> }) {
  const { t, num } = useI18n();
  const onFile = async (file: File | undefined) => {
    dispatch({ type: 'csvFileChosen' });
    if (!file) return;
    if (file.size > CSV_MAX) {
      dispatch({ type: 'csvFileTooLarge', message: t('lab.csvTooLarge', { max: num(CSV_MAX, 0) }) });
      return;
    }
    dispatch({ type: 'csvFileRead', name: file.name, text: await file.text() });
  };
  return (
    <div className="field">
      <label htmlFor="csv-file">{t('lab.csvFile')}</label>
      <input
        id="csv-file"
        type="file"
        accept=".csv,text/csv,text/plain"
        onChange={(e) => void onFile(e.target.files?.[0])}
      />
      {data.csv ? (
        <small className="muted">
          {t('lab.csvLoaded', { name: data.csv.name, size: num(data.csv.text.length, 0) })}
        </small>
      ) : null}
      {data.csvError ? (
        <small className="field-error" role="alert">
          {data.csvError}
        </small>
      ) : null}
    </div>
  );
}

function DownloadFields({ download, dispatch }: { download: DownloadState; dispatch: Dispatch<LabAction> }) {
  const { t } = useI18n();
  const edit = (key: Exclude<keyof DownloadState, 'exchange'>) => ({
    value: download[key],
    onChange: (e: { target: { value: string } }) =>
      dispatch({ type: 'downloadEdited', key, value: e.target.value }),
  });
  return (
    <>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="dl-exchange">{t('acc.exchange')}</label>
          <select
            id="dl-exchange"
            value={download.exchange}
            onChange={(e) =>
              dispatch({ type: 'downloadEdited', key: 'exchange', value: e.target.value as DownloadExchange })
            }
          >
            {LIVE_VENUE_IDS.map((venue) => (
              <option key={venue} value={venue}>
                {VENUE_FACTS[venue].label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dl-symbol">{t('dash.symbol')}</label>
          <input id="dl-symbol" autoCapitalize="characters" spellCheck={false} {...edit('symbol')} />
        </div>
        <div className="field">
          <label htmlFor="dl-tf">{t('lab.timeframe')}</label>
          <select id="dl-tf" {...edit('timeframe')}>
            {TIMEFRAMES.map((tf) => (
              <option key={tf} value={tf}>
                {tf}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dl-from">{t('sig.from')}</label>
          <input id="dl-from" type="date" {...edit('from')} />
        </div>
        <div className="field">
          <label htmlFor="dl-to">{t('sig.to')}</label>
          <input id="dl-to" type="date" {...edit('to')} />
        </div>
      </div>
      <p className="muted small">{t('lab.data.exchangeNote')}</p>
    </>
  );
}
