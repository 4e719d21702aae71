import { Counter, Histogram, type Registry } from 'prom-client';
import { BoundedLabels } from './bounded-labels.js';

/**
 * prom-client's labelled children hash their label object on every `inc()` and `observe()`. On the
 * request path that costs more than the request itself, so the hot metrics count into plain numbers
 * here (one object per known label value, found by a Map lookup) and hand the totals to prom-client
 * only when it is scraped.
 */

/** One label value's count. */
export class Tally {
  n = 0;
}

/** A counter with one label whose hot path is `tallies.get(value).n += k`. */
export function tallyCounter(
  registers: Registry[],
  name: string,
  help: string,
  label: string,
  values: readonly string[],
): BoundedLabels<Tally> {
  const tallies = new BoundedLabels(values, () => new Tally());
  new Counter({
    name,
    help,
    labelNames: [label],
    registers,
    collect() {
      this.reset();
      for (const [value, tally] of tallies.entries()) this.inc({ [label]: value }, tally.n);
    },
  });
  return tallies;
}

/** One label value's histogram: counts per bucket (not cumulative), sum and count. */
export class HistogramCell {
  readonly counts: number[];
  sum = 0;
  count = 0;
  readonly #bounds: readonly number[];

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

/** One line of a histogram as prom-client's registry formats it. */
interface ExportedValue {
  metricName: string;
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
}

/**
 * A prom-client Histogram whose values come from {@link HistogramCell}s at scrape time. prom-client's
 * Registry reads a histogram through `getForPromString()` (and `get()` through it), so that is the one
 * method replaced; everything else (name, help, type, registration) is prom-client's own.
 */
class CellHistogram extends Histogram<string> {
  #cells: BoundedLabels<HistogramCell> | undefined;
  #label = '';
  #bounds: readonly number[] = [];
  #name = '';
  #help = '';

  attach(
    cells: BoundedLabels<HistogramCell>,
    name: string,
    help: string,
    label: string,
    bounds: readonly number[],
  ): void {
    this.#cells = cells;
    this.#name = name;
    this.#help = help;
    this.#label = label;
    this.#bounds = bounds;
  }

  async getForPromString(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: ExportedValue[];
  }> {
    const values: ExportedValue[] = [];
    const label = this.#label;
    const name = this.#name;
    for (const [value, cell] of this.#cells?.entries() ?? []) {
      let cumulative = 0;
      for (const [i, bound] of this.#bounds.entries()) {
        cumulative += cell.counts[i] as number;
        values.push({
          metricName: `${name}_bucket`,
          labels: { le: bound, [label]: value },
          sharedLabels: {},
          value: cumulative,
        });
      }
      values.push({
        metricName: `${name}_bucket`,
        labels: { le: '+Inf', [label]: value },
        sharedLabels: {},
        value: cell.count,
      });
      values.push({
        metricName: `${name}_sum`,
        labels: { [label]: value },
        sharedLabels: {},
        value: cell.sum,
      });
      values.push({
        metricName: `${name}_count`,
        labels: { [label]: value },
        sharedLabels: {},
        value: cell.count,
      });
    }
    return { name, help: this.#help, type: 'histogram', aggregator: 'sum', values };
  }
}

/** A histogram with one label whose hot path is `cells.get(value).observe(x)`. */
export function cellHistogram(
  registers: Registry[],
  name: string,
  help: string,
  label: string,
  values: readonly string[],
  buckets: readonly number[],
): BoundedLabels<HistogramCell> {
  const cells = new BoundedLabels(values, () => new HistogramCell(buckets));
  const histogram = new CellHistogram({ name, help, labelNames: [label], buckets: [...buckets], registers });
  histogram.attach(cells, name, help, label, buckets);
  return cells;
}
