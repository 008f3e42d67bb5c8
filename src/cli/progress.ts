/**
 * Progress on stderr for long scans: "files done / total, files per second", redrawn in place
 * at most ten times a second, only when stderr is a terminal, and only once a scan has run for
 * half a second (short runs print nothing). Cleared when the scan ends.
 */
export class Progress {
  private done = 0;
  private lastDraw = 0;
  private drawn = false;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly write: ((text: string) => void) | undefined,
    private readonly delayMs = 500,
  ) {}

  add(files: number): void {
    this.done += files;
    if (!this.write) return;
    const now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const rate = this.done / Math.max(0.001, (now - this.started) / 1000);
    const pct = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
    this.write(`\r\x1b[2Kgoconc: ${this.done}/${this.total} files (${pct}%), ${Math.round(rate)} files/s`);
    this.drawn = true;
  }

  end(): void {
    if (this.drawn && this.write) this.write('\r\x1b[2K');
    this.drawn = false;
  }
}
