import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { defaultDraft, ParamsForm, validateParams, type ParamDraft } from '@/components/ParamsForm';
import { makeI18n } from '@/lib/i18n';
import type { StrategyDecl } from '@/lib/types';
import { renderWithI18n } from './render';

const emaCross: StrategyDecl = {
  id: 'ema_cross',
  name: { en: 'EMA Crossover', ko: 'EMA 크로스오버' },
  description: { en: 'd', ko: 'd' },
  rules: {
    long_entry: { en: '', ko: '' },
    long_exit: { en: '', ko: '' },
    short_entry: { en: '', ko: '' },
    short_exit: { en: '', ko: '' },
  },
  params: [
    {
      name: 'fastLength',
      type: 'int',
      default: 9,
      min: 2,
      max: 100,
      step: 1,
      label: { en: 'Fast EMA length', ko: '단기 EMA 기간' },
    },
    {
      name: 'slowLength',
      type: 'int',
      default: 21,
      min: 3,
      max: 300,
      step: 1,
      label: { en: 'Slow EMA length', ko: '장기 EMA 기간' },
    },
  ],
  constraints: [
    {
      kind: 'less_than',
      smaller: 'fastLength',
      larger: 'slowLength',
      message: {
        en: 'the fast EMA must be shorter than the slow EMA',
        ko: '단기 EMA 기간은 장기 EMA 기간보다 짧아야 합니다',
      },
    },
  ],
  plots: [],
};

function Harness() {
  const [draft, setDraft] = useState<ParamDraft>(defaultDraft(emaCross));
  const errors = validateParams(emaCross, draft, makeI18n('en').t, 'en');
  return <ParamsForm strategy={emaCross} draft={draft} onChange={setDraft} errors={errors} />;
}

describe('ParamsForm', () => {
  it('labels every parameter and shows its range', () => {
    renderWithI18n(<Harness />);
    const fast = screen.getByLabelText('Fast EMA length');
    expect(fast).toHaveValue(9);
    expect(fast).toHaveAttribute('min', '2');
    expect(fast).toHaveAttribute('max', '100');
    expect(screen.getByText('2 to 100, step 1')).toBeInTheDocument();
  });

  it('enforces the range, whole numbers and the constraint between parameters', async () => {
    const user = userEvent.setup();
    renderWithI18n(<Harness />);
    const fast = screen.getByLabelText('Fast EMA length');
    await user.clear(fast);
    await user.type(fast, '500');
    expect(screen.getByRole('alert')).toHaveTextContent('Must be between 2 and 100.');
    expect(fast).toHaveAttribute('aria-invalid', 'true');
    await user.clear(fast);
    await user.type(fast, '2.5');
    expect(screen.getByRole('alert')).toHaveTextContent('Must be a whole number.');
    await user.clear(fast);
    await user.type(fast, '50');
    expect(screen.getByRole('alert')).toHaveTextContent('the fast EMA must be shorter than the slow EMA');
    await user.click(screen.getByRole('button', { name: 'Reset to defaults' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(fast).toHaveValue(9);
  });

  it('validates in Korean too', () => {
    const errors = validateParams(emaCross, { fastLength: '1', slowLength: '21' }, makeI18n('ko').t, 'ko');
    expect(errors.fastLength).toBe('2에서 100 사이여야 합니다.');
  });
});
