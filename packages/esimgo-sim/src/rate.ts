/** Fixed 1 s windows per client IP, as the API does (10 req/s per IP by default). */
export class RateWindow {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: number) {}

  hit(ip: string, now = Date.now()): { allowed: boolean; limit: number; remaining: number; resetAt: number } {
    const start = Math.floor(now / 1000) * 1000;
    let window = this.windows.get(ip);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(ip, window);
    }
    window.count += 1;
    // 0 disables limiting; headers still show a generous budget so clients never pause.
    const limit = this.limit > 0 ? this.limit : 1_000_000;
    return { allowed: window.count <= limit, limit, remaining: Math.max(0, limit - window.count), resetAt: start + 1000 };
  }
}
