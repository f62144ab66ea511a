import { describe, expect, it } from 'vitest';
import { chartPlotArea } from '../../src/render/chart-canvas.js';
import { chartConfiguration, chartLegend, rowOfCharts, type ChartSize } from '../../src/render/chart-config.js';
import { rowChartSize } from '../../src/render/pdf-document.js';
import type { ChartModel } from '../../src/report/report-figures.js';

const MONTHS = ['Jul-22', 'Aug-22', 'Sep-22', 'Oct-22', 'Nov-22', 'Dec-22', 'Jan-23', 'Feb-23', 'Mar-23', 'Apr-23', 'May-23', 'Jun-23', 'Jul-23'];
const line = (title: string, label: string, values: number[], target?: number): ChartModel => ({
  kind: 'chart',
  type: 'line',
  title,
  monthLabels: MONTHS,
  series: [{ label, values, percent: values.every((v) => v <= 1), ...(target !== undefined ? { target } : {}) }],
});

/** The clinic's CIN row: a title on two lines and an axis from 0; an axis note and a legend on two lines; the same with a short legend. */
const row: ChartModel[] = [
  line(
    'Number of children with an active Child in Need Plan not allocated to CWD (CIN*)',
    'Children with an active CIN plan not allocated to CWD',
    [0, 720, 720, 725, 760, 765, 760, 750, 715, 700, 620, 555, 470],
  ),
  line(
    'CIN visits within the last 6 weeks',
    'Children with an active Child in Need Plan (not CWD) visited within last 6 weeks',
    [0.93, 0.95, 0.94, 0.95, 0.97, 0.95, 0.98, 0.98, 0.97, 0.96, 0.98, 0.95, 0.95],
    0.95,
  ),
  line('Supervisions in timescales', 'Supervised in time', [0.75, 0.8, 0.78, 0.84, 0.9, 0.86, 0.93, 0.9, 0.89, 0.9, 0.96, 0.85, 0.79], 0.95),
];
const size: ChartSize = rowChartSize(3);

describe('a row of charts', () => {
  it('has charts whose titles, axis notes and legends take different room (else the test shows nothing)', () => {
    const own = row.map((model) => chartPlotArea(model, size));
    expect(new Set(own.map((a) => a.top)).size).toBeGreaterThan(1);
    expect(new Set(own.map((a) => a.bottom)).size).toBeGreaterThan(1);
    expect(new Set(row.map((model) => chartLegend(model, size).height)).size).toBeGreaterThan(1);
  });

  it('draws every plot from the same top to the same bottom, whichever title, note or legend wraps', () => {
    const areas = rowOfCharts(row, size).map((sized, i) => chartPlotArea(row[i]!, sized));
    for (const area of areas) {
      expect(area.top).toBeCloseTo(areas[0]!.top, 1);
      expect(area.bottom).toBeCloseTo(areas[0]!.bottom, 1);
    }
    // The room kept is the row's largest of each part, no more: the plots keep over a third of the height.
    expect(areas[0]!.bottom - areas[0]!.top).toBeGreaterThan(size.height * 0.35);
  });

  it('sets its titles and month labels at one size, the smallest any of them needs', () => {
    const fonts = (sizes: ChartSize[]): Array<[unknown, unknown]> =>
      sizes.map((sized, i) => {
        const options = chartConfiguration(row[i]!, sized).options as {
          plugins: { title: { font: { size: number } } };
          scales: { x: { ticks: { font: { size: number } } } };
        };
        return [options.plugins.title.font.size, options.scales.x.ticks.font.size];
      });
    const own = fonts(row.map(() => size));
    expect(new Set(own.map(([title]) => title)).size).toBeGreaterThan(1);
    const aligned = fonts(rowOfCharts(row, size));
    expect(new Set(aligned.map(([title]) => title))).toEqual(new Set([Math.min(...own.map(([title]) => title as number))]));
    expect(new Set(aligned.map(([, labels]) => labels))).toEqual(new Set([Math.min(...own.map(([, labels]) => labels as number))]));
  });

  it('leaves a chart alone as it is', () => {
    expect(rowOfCharts([row[0]!], size)).toEqual([size]);
  });
});
