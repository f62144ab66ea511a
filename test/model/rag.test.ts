import { describe, expect, it } from 'vitest';
import type { Figure } from '../../src/dataset/types.js';
import { computeDirection, computeRag, computeTrend } from '../../src/model/rag.js';

const source = { file: 't.xlsx', sheet: 'S', cell: 'A1' };
const target = (value: number, style: 'integer' | 'percent' = 'integer'): Figure => ({ kind: 'number', value, format: { style, decimals: 0 }, source });
const below = (value: number): Figure => ({ kind: 'comparison', op: '<', value, format: { style: 'percent', decimals: 0 }, text: `<${value * 100}%`, source });
const tolerance = { percentPoints: 5, percentOfTarget: 10 };
const placeholder: Figure = { kind: 'missing', reason: 'placeholder', text: '-', source };

describe('RAG', () => {
  it('higher is better: green at or above target, amber within the band, red beyond it', () => {
    expect(computeRag(0.95, target(0.95, 'percent'), 'higher-is-better', true, tolerance)).toBe('green');
    expect(computeRag(0.97, target(0.95, 'percent'), 'higher-is-better', true, tolerance)).toBe('green');
    expect(computeRag(0.91, target(0.95, 'percent'), 'higher-is-better', true, tolerance)).toBe('amber');
    expect(computeRag(0.9, target(0.95, 'percent'), 'higher-is-better', true, tolerance)).toBe('amber');
    expect(computeRag(0.89, target(0.95, 'percent'), 'higher-is-better', true, tolerance)).toBe('red');
  });

  it('lower is better: green at or below target; the band is a percentage of the target for counts', () => {
    expect(computeRag(273, target(273), 'lower-is-better', false, tolerance)).toBe('green');
    expect(computeRag(250, target(273), 'lower-is-better', false, tolerance)).toBe('green');
    expect(computeRag(300, target(273), 'lower-is-better', false, tolerance)).toBe('amber'); // 27.3 band
    expect(computeRag(301, target(273), 'lower-is-better', false, tolerance)).toBe('red');
  });

  it('a comparison target carries its own direction', () => {
    expect(computeRag(0.29, below(0.36), 'neutral', true, tolerance)).toBe('green');
    expect(computeRag(0.36, below(0.36), 'neutral', true, tolerance)).toBe('amber');
    expect(computeRag(0.45, below(0.36), 'neutral', true, tolerance)).toBe('red');
  });

  it('no target, no figure, or no polarity: no RAG', () => {
    expect(computeRag(0.5, undefined, 'higher-is-better', true, tolerance)).toBeUndefined();
    expect(computeRag(0.5, placeholder, 'higher-is-better', true, tolerance)).toBeUndefined();
    expect(computeRag(undefined, target(1), 'higher-is-better', false, tolerance)).toBeUndefined();
    expect(computeRag(5, target(1), 'neutral', false, tolerance)).toBeUndefined();
  });
});

describe('Direction of travel and Trend', () => {
  it('follows polarity: more referrals into statutory services is worse', () => {
    expect(computeDirection(277, 267, 'lower-is-better')).toBe('worsened');
    expect(computeDirection(260, 267, 'lower-is-better')).toBe('improved');
    expect(computeDirection(0.96, 0.94, 'higher-is-better')).toBe('improved');
    expect(computeDirection(0.9, 0.94, 'higher-is-better')).toBe('worsened');
    expect(computeDirection(0.94, 0.94, 'higher-is-better')).toBe('same');
  });

  it('has no direction without a previous month, or for a neutral indicator', () => {
    expect(computeDirection(277, undefined, 'lower-is-better')).toBeUndefined();
    expect(computeDirection(277, 267, 'neutral')).toBeUndefined();
  });

  it('Trend is the raw rise or fall, whatever the polarity', () => {
    expect(computeTrend(1804, 1948)).toBe('down');
    expect(computeTrend(172, 154)).toBe('up');
    expect(computeTrend(5, 5)).toBe('same');
    expect(computeTrend(5, undefined)).toBeUndefined();
  });
});
