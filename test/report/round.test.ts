import { describe, expect, it } from 'vitest';
import { formatChartValue } from '../../src/render/chart-config.js';
import type { ChartModel } from '../../src/report/report-figures.js';
import { teamPercent } from '../../src/report/report-figures.js';
import { formatFigure, formatNumber } from '../../src/report/format-figure.js';
import { money000, percent1, wholePounds } from '../../src/report/money.js';
import { printNumber, roundHalf } from '../../src/report/round.js';
import { readCellValue } from '../../src/workbook/cell-value.js';
import type { Figure } from '../../src/dataset/types.js';

describe('one rounding rule for every printed figure: half away from zero, on the number as written', () => {
  it('0.285 as a whole percent prints 29% (toFixed gives 28: 0.285 * 100 is 28.499999999999996)', () => {
    expect((0.285 * 100).toFixed(0)).toBe('28');
    expect(printNumber(0.285, { decimals: 0, percent: true })).toBe('29%');
    expect(formatNumber(0.285, { style: 'percent', decimals: 0 })).toBe('29%');
  });

  it.each([
    [0.125, 0, '13%'],
    [0.0005, 1, '0.1%'],
    [0.1235, 1, '12.4%'],
    [0.145, 0, '15%'],
    [0.575, 0, '58%'],
    [-0.285, 0, '-29%'],
  ])('percent %s to %s places prints %s', (value, decimals, text) => {
    expect(printNumber(value, { decimals, percent: true })).toBe(text);
  });

  it('rounds halves away from zero, as Excel ROUND and the clinics do, and never prints -0', () => {
    expect([roundHalf(2.5, 0), roundHalf(-2.5, 0), roundHalf(1.005, 2), roundHalf(16.405, 2), roundHalf(-0.4, 0)]).toEqual([3, -3, 1.01, 16.41, 0]);
    expect(printNumber(-0.0001, { decimals: 1, percent: true })).toBe('0.0%');
    expect(formatNumber(16.405, { style: 'decimal', decimals: 2 })).toBe('16.41');
    expect(formatNumber(3.25, { style: 'integer', decimals: 0 })).toBe('3.3');
  });

  it('a workbook cell of 28.5% under a whole-percent format prints 29% in a table', () => {
    const source = { file: 'b4b.xlsx', sheet: 'B4B data set', cell: 'E2' };
    const figure = (value: number | string, numFmt?: string): Figure => {
      const reading = readCellValue(value, numFmt);
      if (reading.kind !== 'number') throw new Error(`not a number: ${String(value)}`);
      return { kind: 'number', value: reading.value, format: reading.format, source };
    };
    expect(formatFigure(figure(0.285, '0%'))).toBe('29%');
    expect(formatFigure(figure('28.5%'), { style: 'percent', decimals: 0 })).toBe('29%');
  });

  it('money in £000: £2,500 over is 3 and £2,500 under is (3); whole pounds; variance percentages', () => {
    expect([money000(2500), money000(-2500), money000(1_234_500), money000(-499), money000(499)]).toEqual(['3', '(3)', '1,235', '0', '0']);
    expect(wholePounds(1234.5)).toBe('£1,235');
    expect([percent1(0.02845), percent1(-0.02845), percent1(-0.0004)]).toEqual(['2.8%', '(2.8%)', '0.0%']);
    expect(percent1(0.00285)).toBe('0.3%');
  });

  it("the clinics' team percentages: one decimal place, half up (57 of 200 is 28.5%; 1 of 8 is 12.5%; 1 of 16 is 6.3%)", () => {
    expect(teamPercent(57, 200)).toEqual({ value: 0.285, text: '28.5%' });
    expect(teamPercent(1, 16)).toEqual({ value: 0.063, text: '6.3%' });
    expect(teamPercent(1, 3).text).toBe('33.3%');
    expect(teamPercent(2, 3).text).toBe('66.7%');
  });

  it("charts' figures print by the same rule", () => {
    const percent = { yFormat: 'percent' } as unknown as ChartModel;
    const count = { yFormat: 'number' } as unknown as ChartModel;
    expect(formatChartValue(percent, 0.2855)).toBe('28.6%');
    expect(formatChartValue(count, 2.345)).toBe('2.35');
  });
});
