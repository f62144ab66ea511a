import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { Chart, ChartConfiguration } from 'chart.js';
import type { Canvas } from 'canvas';
import type { ChartModel } from '../report/report-figures.js';
import { FONT_FAMILY, FONT_FILES } from './fonts.js';

/** Chart size on the page, in points, and the print resolution. */
export const CHART_WIDTH_PT = 370;
export const CHART_HEIGHT_PT = 190;
const PRINT_DPI = 220;
const SCALE = PRINT_DPI / 72;

/** Greyscale-safe series styles: each series differs by dash and marker, not only by colour. */
const SERIES_STYLES = [
  { color: '#1f4e79', dash: [] as number[], point: 'circle' as const },
  { color: '#c55a11', dash: [6, 3], point: 'rect' as const },
  { color: '#548235', dash: [2, 2], point: 'triangle' as const },
];

function formatTick(value: number, percent: boolean): string {
  return percent ? `${Math.round(value * 100)}%` : String(Math.round(value * 100) / 100);
}

/** What every chart shares: print resolution, no animation, a bold title and a legend below. */
function commonOptions(title: string, legendBox: { boxWidth: number; boxHeight?: number }) {
  return {
    responsive: false,
    animation: false as const,
    devicePixelRatio: SCALE,
    layout: { padding: 4 },
    plugins: {
      title: { display: true, text: title, color: '#000000', font: { size: 11, weight: 'bold' as const } },
      legend: { display: true, position: 'bottom' as const, labels: { ...legendBox, color: '#000000', font: { size: 8 } } },
    },
  };
}

const X_TICKS = { color: '#000000', font: { size: 7 }, maxRotation: 0, autoSkip: false };

/** Bars told apart in greyscale: a dark fill, then an outline with a light fill. */
function barConfiguration(model: ChartModel): ChartConfiguration<'bar'> {
  const fills = [COLOURS_BAR.dark, COLOURS_BAR.light];
  return {
    type: 'bar',
    data: {
      labels: model.monthLabels,
      datasets: model.series.map((series, i) => ({
        label: series.label,
        data: series.values,
        backgroundColor: fills[i % fills.length],
        borderColor: COLOURS_BAR.dark,
        borderWidth: 1.5,
      })),
    },
    options: {
      ...commonOptions(model.title, { boxWidth: 14 }),
      scales: {
        x: { ticks: X_TICKS, grid: { display: false } },
        y: {
          ticks: {
            color: '#000000',
            font: { size: 8 },
            callback: (v) => (model.yFormat === 'money' ? Number(v).toLocaleString('en-GB') : String(v)),
          },
          grid: { color: '#e0e0e0' },
        },
      },
    },
  };
}

const COLOURS_BAR = { dark: '#1f4e79', light: '#d9e2f3' };

export function chartConfiguration(model: ChartModel): ChartConfiguration<'line'> | ChartConfiguration<'bar'> {
  if (model.type === 'bar') return barConfiguration(model);
  const percent = model.yFormat ? model.yFormat === 'percent' : model.series.some((s) => s.percent);
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [];
  model.series.forEach((series, i) => {
    const style = SERIES_STYLES[i % SERIES_STYLES.length] ?? SERIES_STYLES[0]!;
    datasets.push({
      label: series.label,
      data: series.values,
      borderColor: style.color,
      backgroundColor: style.color,
      borderDash: style.dash,
      pointStyle: style.point,
      pointRadius: 2.5,
      borderWidth: 2,
      spanGaps: false,
    });
    if (series.target !== undefined) {
      datasets.push({
        label: model.series.length > 1 ? `Target (${series.label})` : 'Target',
        data: series.values.map(() => series.target ?? null),
        borderColor: '#000000',
        borderDash: [4, 4],
        borderWidth: 1.25,
        pointRadius: 0,
      });
    }
  });
  return {
    type: 'line',
    data: { labels: model.monthLabels, datasets },
    options: {
      ...commonOptions(model.title, { boxWidth: 18, boxHeight: 2 }),
      scales: {
        x: { ticks: X_TICKS, grid: { color: '#e0e0e0' } },
        y: {
          ticks: { color: '#000000', font: { size: 8 }, callback: (v) => formatTick(Number(v), percent) },
          grid: { color: '#e0e0e0' },
          ...(percent ? { suggestedMin: 0, suggestedMax: 1 } : {}),
        },
      },
    },
  };
}

/**
 * Draws report charts with one ChartJSNodeCanvas for the whole run (a new one per chart leaks
 * Chart.js into the require cache). JPEG: no alpha channel for pdfkit to split, at print resolution.
 */
export class ChartRenderer {
  private readonly canvas: ChartJSNodeCanvas;

  constructor() {
    this.canvas = new ChartJSNodeCanvas({
      width: CHART_WIDTH_PT,
      height: CHART_HEIGHT_PT,
      backgroundColour: '#ffffff',
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = FONT_FAMILY;
      },
    });
    this.canvas.registerFont(FONT_FILES.normal, { family: FONT_FAMILY });
    this.canvas.registerFont(FONT_FILES.bold, { family: FONT_FAMILY, weight: 'bold' });
  }

  render(model: ChartModel): Buffer {
    // renderToBufferSync gives no JPEG quality setting (its default, 75, blurs text), so draw the
    // chart with the instance's own renderChart and encode here.
    const chart = (this.canvas as unknown as { renderChart(c: ChartConfiguration): Chart }).renderChart(
      chartConfiguration(model) as ChartConfiguration,
    );
    try {
      return (chart.canvas as unknown as Canvas).toBuffer('image/jpeg', { quality: 0.92, chromaSubsampling: false });
    } finally {
      chart.destroy();
    }
  }
}
