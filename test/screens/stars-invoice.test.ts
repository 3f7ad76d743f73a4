import { describe, expect, it } from "vitest";
import { translatorFor } from "../../src/copy/index.ts";
import { starsInvoiceCopy } from "../../src/screens/checkout.ts";

const ui = { t: translatorFor("en"), language: "en" as const };
const invoice = (title: string) => ({ kind: "stars_invoice" as const, orderId: 1, stars: 384, payload: "s1_x", title, expiresAt: new Date(0).toISOString(), priceMinor: 499, currency: "USD", reused: false });

describe("a Stars invoice's copy", () => {
  it("keeps the title within Telegram's 32 UTF-16 units, never splitting an emoji", () => {
    // Flags are two surrogate pairs each: 4 UTF-16 units that count as 2 characters.
    for (const title of ["🇪🇺🇩🇪🇫🇷🇮🇹🇪🇸🇵🇹🇳🇱🇧🇪 Europe 30 GB, 30 days", "Europe+ 30 GB 30 days, 42 countries", "🇩🇪 Germany 1 GB"]) {
      const { title: clipped } = starsInvoiceCopy(ui, invoice(title), "plan");
      expect(clipped.length).toBeLessThanOrEqual(32);
      expect(clipped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(title.startsWith(clipped.replace(/…$/, ""))).toBe(true);
    }
    expect(starsInvoiceCopy(ui, invoice("🇩🇪 Germany 1 GB"), "plan").title).toBe("🇩🇪 Germany 1 GB");
  });
});
