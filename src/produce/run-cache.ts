/**
 * What one run (a month run, or a single report or pack) lays out once and reuses: each document,
 * keyed by everything its bytes depend on (the report, its month and its agenda format). A month run asks for the performance report for the stand-alone file and again for the
 * panel pack with the same stamp and page numbers: the second gets the first's PDF, model and HTML
 * twin. It lives as long as the run that made it: nothing is kept between runs.
 */
export class RunCache {
  private readonly documents = new Map<string, Promise<unknown>>();
  /** How many documents were asked for and how many were laid out (for the benchmark). */
  readonly counts = { asked: 0, laidOut: 0 };

  /** The document for `key`, built by `build` the first time it is asked for. A failed build is not kept. */
  document<T>(key: unknown, build: () => Promise<T>): Promise<T> {
    const id = JSON.stringify(key);
    this.counts.asked += 1;
    let entry = this.documents.get(id) as Promise<T> | undefined;
    if (!entry) {
      this.counts.laidOut += 1;
      entry = build();
      this.documents.set(id, entry);
      entry.catch(() => this.documents.delete(id));
    }
    return entry;
  }
}
