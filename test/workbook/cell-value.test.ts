import { describe, expect, it } from 'vitest';
import { dateToSerial, displayFormatFor, readCellValue, serialToDate } from '../../src/workbook/cell-value.js';

describe('readCellValue: the quirks of the real workbook', () => {
  it('reads a plain number as an integer', () => {
    expect(readCellValue(1594)).toEqual({ kind: 'number', value: 1594, format: { style: 'integer', decimals: 0 } });
  });

  it('reads a fraction under a % format as a percentage, with the format decimals', () => {
    expect(readCellValue(0.26, '0%')).toMatchObject({ value: 0.26, format: { style: 'percent', decimals: 0 }, percentFrom: 'format' });
    expect(readCellValue(0.274, '0.0%')).toMatchObject({ format: { style: 'percent', decimals: 1 } });
  });

  it('reads a percentage typed as text ("26%") as the fraction 0.26', () => {
    expect(readCellValue('26%')).toMatchObject({ kind: 'number', value: 0.26, percentFrom: 'text', typedAsText: '26%' });
    expect(readCellValue('27.4%')).toMatchObject({ value: 0.274, format: { style: 'percent', decimals: 1 } });
  });

  it('reads a number typed as text, with thousands separators', () => {
    expect(readCellValue(' 1,234 ')).toMatchObject({ kind: 'number', value: 1234, typedAsText: '1,234' });
  });

  it('reads accounting negatives in brackets, as finance sheets type them', () => {
    expect(readCellValue('(220)')).toMatchObject({ kind: 'number', value: -220 });
    expect(readCellValue('(£1,500)')).toMatchObject({ kind: 'number', value: -1500 });
    expect(readCellValue('(see note)')).toEqual({ kind: 'text', text: '(see note)' });
  });

  it('keeps decimals from the number format', () => {
    expect(readCellValue(16.4, '0.00')).toMatchObject({ value: 16.4, format: { style: 'decimal', decimals: 2 } });
    expect(displayFormatFor(338.6, undefined)).toEqual({ style: 'decimal', decimals: 1 });
  });

  it('reads blanks as empty, and leaves "-" and "TBC" as text for the configured noFigure list to judge', () => {
    expect(readCellValue('-')).toEqual({ kind: 'text', text: '-' });
    expect(readCellValue('TBC')).toEqual({ kind: 'text', text: 'TBC' });
    expect(readCellValue('   ')).toEqual({ kind: 'empty' });
    expect(readCellValue(null)).toEqual({ kind: 'empty' });
  });

  it('reads comparisons such as "<36%" and "<17k"', () => {
    expect(readCellValue('<36%')).toMatchObject({ kind: 'comparison', op: '<', value: 0.36, format: { style: 'percent' } });
    expect(readCellValue('<17k')).toMatchObject({ kind: 'comparison', op: '<', value: 17000 });
    expect(readCellValue('≥ 95%')).toMatchObject({ kind: 'comparison', op: '>=', value: 0.95 });
  });

  it('reads a number as Excel shows it where a conditional format puts text in its place (a suppressed small number), and only there', () => {
    // [<5]"<5";0 shows 2 as "<5": read as 2, a figure the council had suppressed was printed.
    expect(readCellValue(2, '[<5]"<5";0')).toMatchObject({ kind: 'comparison', op: '<', value: 5, text: '<5' });
    expect(readCellValue(0, '[<5]"<5";0')).toMatchObject({ kind: 'comparison', text: '<5' });
    expect(readCellValue(12, '[<5]"<5";0')).toEqual({ kind: 'number', value: 12, format: { style: 'integer', decimals: 0 } });
    // The condition the other way round, a colour before it, a formula's result, a percentage and a letter for "suppressed".
    expect(readCellValue(3, '[>=5]0;"<5"')).toMatchObject({ kind: 'comparison', text: '<5' });
    expect(readCellValue(7, '[>=5]0;"<5"')).toMatchObject({ kind: 'number', value: 7 });
    expect(readCellValue({ formula: 'B2', result: 4 }, '[Red][<=4]"<5";#,##0')).toMatchObject({ kind: 'comparison', text: '<5' });
    expect(readCellValue(0.03, '[<0.05]"<5%";0%')).toMatchObject({ kind: 'comparison', value: 0.05, format: { style: 'percent' } });
    expect(readCellValue(0.3, '[<0.05]"<5%";0%')).toMatchObject({ kind: 'number', value: 0.3, format: { style: 'percent' } });
    expect(readCellValue(1, '[<5]\\c;0')).toEqual({ kind: 'text', text: 'c' });
    // A conditional section that shows the figure, and a format with no condition (zero shown as a dash), read the number.
    expect(readCellValue(2, '[<5]0.0;0')).toMatchObject({ kind: 'number', value: 2, format: { style: 'decimal', decimals: 1 } });
    expect(readCellValue(0, '0;-0;"-"')).toMatchObject({ kind: 'number', value: 0 });
    // A marker hides a zero too; a bound may be typed without its leading 0.
    expect(readCellValue(0, '[<5]"*";0')).toEqual({ kind: 'text', text: '*' });
    expect(readCellValue(0.2, '[<.5]"<0.5";0.0')).toMatchObject({ kind: 'comparison', value: 0.5 });
    // A zero a condition shows as a dash is 0 too; hidden behind "<5" it is the bound.
    expect(readCellValue(0, '[=0]"-";0')).toMatchObject({ kind: 'number', value: 0 });
    expect(readCellValue(7, '[=0]"-";0')).toMatchObject({ kind: 'number', value: 7 });
  });

  it("uses a formula's saved result, and says when it has none", () => {
    expect(readCellValue({ formula: 'P5-O5', result: -144 })).toMatchObject({ kind: 'number', value: -144 });
    expect(readCellValue({ sharedFormula: 'P5', result: 0.5 }, '0%')).toMatchObject({ value: 0.5, format: { style: 'percent' } });
    expect(readCellValue({ formula: 'SUM(A1:A3)' })).toEqual({ kind: 'formula-without-result', formula: 'SUM(A1:A3)' });
  });

  it('reads error values, whether exceljs gives an object or text', () => {
    expect(readCellValue({ error: '#DIV/0!' })).toEqual({ kind: 'error', text: '#DIV/0!' });
    expect(readCellValue('#N/A')).toEqual({ kind: 'error', text: '#N/A' });
    expect(readCellValue({ formula: 'A1/B1', result: { error: '#DIV/0!' } })).toEqual({ kind: 'error', text: '#DIV/0!' });
  });

  it('hands back a date-formatted number as a date, and its serial number survives the round trip', () => {
    const reading = readCellValue(serialToDate(0), 'mmm-yy');
    expect(reading).toMatchObject({ kind: 'date', numFmt: 'mmm-yy' });
    expect(dateToSerial(serialToDate(-1))).toBe(-1);
    expect(dateToSerial(serialToDate(1))).toBe(1);
    expect(dateToSerial(serialToDate(45200))).toBe(45200);
  });

  it('joins rich text runs and reads hyperlink text', () => {
    expect(readCellValue({ richText: [{ text: 'Number of ' }, { text: 'contacts' }] })).toEqual({ kind: 'text', text: 'Number of contacts' });
    expect(readCellValue({ text: 'Indicator', hyperlink: 'https://example.org' })).toEqual({ kind: 'text', text: 'Indicator' });
  });

  it('leaves "12a" as text, for the table reader to report', () => {
    expect(readCellValue('12a')).toEqual({ kind: 'text', text: '12a' });
  });
});
