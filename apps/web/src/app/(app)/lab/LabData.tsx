'use client';

import { LIVE_VENUE_IDS, VENUE_FACTS } from '@tradingbot/core/venues';
import type { Dispatch } from 'react';
import { useI18n } from '@/lib/i18n';
import {
  FUNDING_VENUES,
  timeframeMinutes,
  type DownloadExchange,
  type DownloadState,
  type LabAction,
  type LabDataState,
  type SideFile,
} from './lab-state';

const CSV_MAX = 4 * 1024 * 1024;
const TIMEFRAMES = ['15m', '30m', '1h', '4h', '1d'];
/** Lower timeframes the bar magnifier may download (the server caps the candles at 150 000). */
const MAGNIFIER_TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '4h'];

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
      {data.choice !== 'sample' ? <RealismFields data={data} dispatch={dispatch} /> : null}
    </fieldset>
  );
}

/**
 * Funding payments and the bar magnifier, both off by default: for a download, a checkbox (on
 * venues with funding history) and a lower timeframe; for an uploaded CSV, two more files.
 */
function RealismFields({ data, dispatch }: { data: LabDataState; dispatch: Dispatch<LabAction> }) {
  const { t } = useI18n();
  if (data.choice === 'csv')
    return (
      <fieldset>
        <legend>{t('lab.realism')}</legend>
        <SideFileField file="funding" label={t('lab.fundingFile')} data={data} dispatch={dispatch} />
        <p className="muted small">{t('lab.funding.note')}</p>
        <SideFileField file="magnifier" label={t('lab.magnifierFile')} data={data} dispatch={dispatch} />
        <p className="muted small">{t('lab.magnifier.note')}</p>
      </fieldset>
    );
  const { exchange, timeframe } = data.download;
  const fundingAvailable = FUNDING_VENUES.includes(exchange);
  const lower = MAGNIFIER_TIMEFRAMES.filter((tf) => timeframeMinutes(tf) < timeframeMinutes(timeframe));
  return (
    <fieldset>
      <legend>{t('lab.realism')}</legend>
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={fundingAvailable && data.funding}
            disabled={!fundingAvailable}
            aria-describedby="funding-note"
            onChange={(e) => dispatch({ type: 'fundingToggled', on: e.target.checked })}
          />{' '}
          {t('lab.funding')}
        </label>
        <small id="funding-note" className="muted">
          {fundingAvailable ? t('lab.funding.note') : t('lab.funding.unsupported')}
        </small>
      </div>
      <div className="field narrow">
        <label htmlFor="magnifier-tf">{t('lab.magnifier')}</label>
        <select
          id="magnifier-tf"
          aria-describedby="magnifier-note"
          value={lower.includes(data.magnifierTimeframe) ? data.magnifierTimeframe : ''}
          onChange={(e) => dispatch({ type: 'magnifierTimeframeChosen', timeframe: e.target.value })}
        >
          <option value="">{t('lab.magnifier.off')}</option>
          {lower.map((tf) => (
            <option key={tf} value={tf}>
              {tf}
            </option>
          ))}
        </select>
        <small id="magnifier-note" className="muted">
          {t('lab.magnifier.note')}
        </small>
      </div>
    </fieldset>
  );
}

function SideFileField({
  file,
  label,
  data,
  dispatch,
}: {
  file: SideFile;
  label: string;
  data: LabDataState;
  dispatch: Dispatch<LabAction>;
}) {
  const { t, num } = useI18n();
  const id = `${file}-file`;
  const loaded = file === 'funding' ? data.fundingCsv : data.magnifierCsv;
  const error = data.sideFileErrors[file];
  const onFile = async (chosen: File | undefined) => {
    dispatch({ type: 'sideFileChosen', file });
    if (!chosen) return;
    if (chosen.size > CSV_MAX) {
      dispatch({ type: 'sideFileTooLarge', file, message: t('lab.csvTooLarge', { max: num(CSV_MAX, 0) }) });
      return;
    }
    dispatch({ type: 'sideFileRead', file, name: chosen.name, text: await chosen.text() });
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept=".csv,text/csv,text/plain"
        onChange={(e) => void onFile(e.target.files?.[0])}
      />
      {loaded ? (
        <small className="muted">
          {t('lab.fileLoaded', { name: loaded.name, size: num(loaded.text.length, 0) })}
        </small>
      ) : null}
      {error ? (
        <small className="field-error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
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
