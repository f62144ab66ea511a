import { describe, expect, it } from 'vitest';
import { addMonths, monthLabel, monthLongLabel, parseMonth } from '../../src/model/month.js';

describe('parseMonth', () => {
  it('reads the month headers the workbook uses', () => {
    expect(parseMonth('Oct-23')).toBe('2023-10');
    expect(parseMonth('Oct 2023')).toBe('2023-10');
    expect(parseMonth('October 2023')).toBe('2023-10');
    expect(parseMonth('Sept-23')).toBe('2023-09');
    expect(parseMonth('2023-10')).toBe('2023-10');
    expect(parseMonth('2022-07-31')).toBe('2022-07');
    expect(parseMonth(new Date(Date.UTC(2023, 9, 31)))).toBe('2023-10');
    expect(parseMonth('10/2023')).toBe('2023-10');
    expect(parseMonth('31/10/2023')).toBe('2023-10');
    expect(parseMonth('2023/10')).toBe('2023-10');
  });

  it('refuses what is not a month', () => {
    expect(parseMonth('Indicator')).toBeUndefined();
    expect(parseMonth('Target')).toBeUndefined();
    expect(parseMonth('Octopus-23')).toBeUndefined();
    expect(parseMonth(2023)).toBeUndefined();
    expect(parseMonth('13/2023')).toBeUndefined();
    expect(parseMonth('1,234')).toBeUndefined();
    expect(parseMonth(new Date(Date.UTC(1899, 11, 30)))).toBeUndefined();
  });

  it('counts and labels months', () => {
    expect(addMonths('2023-10', -12)).toBe('2022-10');
    expect(addMonths('2023-12', 1)).toBe('2024-01');
    expect(monthLabel('2023-10')).toBe('Oct-23');
    expect(monthLongLabel('2023-10')).toBe('October 2023');
  });
});
