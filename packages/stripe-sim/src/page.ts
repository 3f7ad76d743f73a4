import type { Context, Hono } from "hono";
import { StripeApiError } from "./errors.ts";
import type { Ledger, SessionRecord } from "./ledger.ts";
import { formatMinor } from "./money.ts";
import type { StripeEvent } from "./types.ts";

export interface PageDeps {
  ledger: Ledger;
  sandboxBanner: boolean;
  /** Replaces the return-to-Telegram link when the chat is not on Telegram (the sandbox's terminal chat). */
  returnHint?: string;
  /** Waits until the webhook for these events got its first answer, so the shop knows before the customer is sent back. */
  awaitFirstDeliveries: (events: readonly StripeEvent[]) => Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  // form-action must allow http(s): Chrome applies it to the redirect to success_url/cancel_url after the POST.
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

export function registerPages(app: Hono, deps: PageDeps): void {
  app.get("/pay/:id", (c) => {
    const record = deps.ledger.findSession(c.req.param("id"));
    if (!record) return html(c, 404, notFoundPage(deps));
    return html(c, 200, checkoutPage(record, deps));
  });
  app.post("/pay/:id/confirm", async (c) => {
    const record = deps.ledger.findSession(c.req.param("id"));
    if (!record) return html(c, 404, notFoundPage(deps));
    if (record.session.status !== "open") return html(c, 409, checkoutPage(record, deps));
    const form = await c.req.parseBody();
    const code = typeof form.promotion_code === "string" ? form.promotion_code.trim() : "";
    let events: StripeEvent[];
    try {
      ({ events } = deps.ledger.completeSession(record.session.id, { async: false, ...(code ? { promotionCode: code } : {}) }));
    } catch (error) {
      // A refused code: the page again with Stripe's word for it, nothing charged.
      if (error instanceof StripeApiError) return html(c, 400, checkoutPage(record, deps, error.message));
      throw error;
    }
    await deps.awaitFirstDeliveries(events);
    return leaveTo(c, record.session.success_url, record, deps, "paid");
  });
  app.post("/pay/:id/cancel", (c) => {
    const record = deps.ledger.findSession(c.req.param("id"));
    if (!record) return html(c, 404, notFoundPage(deps));
    return leaveTo(c, record.session.cancel_url, record, deps, "cancelled");
  });
}

/** Redirects back to the shop, except to Telegram: a browser (or a headless test) then stays here with a link. */
function leaveTo(c: Context, target: string | null, record: SessionRecord, deps: PageDeps, outcome: "paid" | "cancelled"): Response {
  const url = target?.replaceAll("{CHECKOUT_SESSION_ID}", record.session.id) ?? null;
  if (url && !isTelegramLink(url)) return new Response(null, { status: 303, headers: { location: url, ...SECURITY_HEADERS } });
  return html(c, 200, returnPage(record, deps, outcome, url));
}

function isTelegramLink(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === "tg:" || (protocol === "https:" && ["t.me", "telegram.me"].includes(hostname));
  } catch {
    return false;
  }
}

function html(c: Context, status: 200 | 400 | 404 | 409, body: string): Response {
  c.status(status);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  return c.html(body);
}

function checkoutPage(record: SessionRecord, deps: PageDeps, refusal?: string): string {
  const { session } = record;
  const locale = pageLocale(session.locale);
  const product = record.lineItems[0]?.price.product_data;
  const expires = new Date(session.expires_at * 1000);
  const body = `
    <h1 id="product">${escape(product?.name ?? "Payment")}</h1>
    ${product?.description ? `<p id="description">${escape(product.description)}</p>` : ""}
    ${lineItemsTable(record, locale)}
    ${session.total_details?.amount_discount ? `<p id="discount">Discount −${escape(formatMinor(session.total_details.amount_discount, session.currency, locale))}</p>` : ""}
    ${refusal ? `<p id="refusal" class="status closed" role="alert">${escape(refusal)}</p>` : ""}
    <p class="total">Total <strong id="amount">${escape(formatMinor(session.amount_total, session.currency, locale))}</strong> <span id="currency">${escape(session.currency.toUpperCase())}</span></p>
    ${statusBlock(record, expires)}
    ${session.status === "open" ? actions(session.id, deps.sandboxBanner, session.allow_promotion_codes === true) : ""}`;
  return layout(`Pay ${formatMinor(session.amount_total, session.currency, locale)}`, body, deps);
}

function lineItemsTable(record: SessionRecord, locale: string): string {
  if (record.lineItems.length < 2 && (record.lineItems[0]?.quantity ?? 1) === 1) return "";
  const rows = record.lineItems
    .map((item) => `<tr><td>${escape(item.description)}</td><td>× ${item.quantity}</td><td>${escape(formatMinor(item.amount_total, item.currency, locale))}</td></tr>`)
    .join("");
  return `<table aria-label="Items">${rows}</table>`;
}

function statusBlock(record: SessionRecord, expires: Date): string {
  const { session } = record;
  const expiry = `<time datetime="${expires.toISOString()}">${escape(expires.toUTCString())}</time>`;
  if (session.status === "open") return `<p id="status" class="status open">Awaiting payment · link valid until ${expiry}</p>`;
  if (session.status === "expired") return `<p id="status" class="status closed" role="status">This checkout session has expired. No payment can be made with this link.</p>`;
  const paid = session.payment_status === "paid" ? "Payment received." : "Payment submitted and awaiting confirmation.";
  return `<p id="status" class="status done" role="status">This checkout session is complete. ${paid}</p>`;
}

function actions(sessionId: string, sandbox: boolean, promotionCodes: boolean): string {
  const id = encodeURIComponent(sessionId);
  const note = sandbox ? `<p id="sandbox-note" class="note">Test checkout: Pay simulates a successful card payment. No card is needed and nothing is charged.</p>` : "";
  // Relative actions keep working whatever path or host this app is mounted under.
  return `${note}
    <form method="post" action="${id}/confirm">${promotionCodes ? `<label for="promotion_code">Promotion code</label> <input id="promotion_code" name="promotion_code" autocomplete="off" maxlength="500">` : ""}<button id="pay" type="submit" class="primary">Pay</button></form>
    <form method="post" action="${id}/cancel"><button id="cancel" type="submit" class="secondary">Cancel</button></form>`;
}

function returnPage(record: SessionRecord, deps: PageDeps, outcome: "paid" | "cancelled", url: string | null): string {
  const { session } = record;
  const heading = outcome === "paid" ? "Payment received — return to the chat" : "Payment cancelled — return to the chat";
  const amount = formatMinor(session.amount_total, session.currency, pageLocale(session.locale));
  const detail = outcome === "paid" ? `You paid <strong id="amount">${escape(amount)}</strong>.` : "Nothing was charged.";
  const link = deps.returnHint
    ? `<p id="return-hint">${escape(deps.returnHint)}</p>`
    : url
      ? `<p><a id="return" class="button primary" href="${escape(url)}">Return to the chat</a></p>`
      : "";
  const status = outcome === "paid" ? "complete" : "cancelled";
  return layout(heading, `<h1>${escape(heading)}</h1><p id="status" class="status ${status}" role="status">${detail}</p>${link}`, deps);
}

function notFoundPage(deps: PageDeps): string {
  return layout("Checkout not found", `<h1>Checkout not found</h1><p id="status" class="status closed" role="status">This payment link is not valid.</p>`, deps);
}

function layout(title: string, body: string, deps: PageDeps): string {
  const banner = deps.sandboxBanner ? `<div id="sandbox-banner" class="banner" role="note">SANDBOX — no real money</div>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f8fa; color: #1a1f36; }
  .banner { background: #b45309; color: #fff; font-weight: 700; text-align: center; padding: 12px; letter-spacing: 0.04em; }
  main { max-width: 420px; margin: 32px auto; background: #fff; border-radius: 12px; padding: 28px; box-shadow: 0 2px 12px rgba(0,0,0,0.08); }
  h1 { font-size: 1.35rem; margin: 0 0 8px; }
  p { line-height: 1.5; }
  .total { font-size: 1.25rem; margin: 20px 0; }
  .total strong { font-size: 1.75rem; }
  .note { font-size: 0.9rem; color: #6b4f1d; background: #fff7e6; padding: 8px 12px; border-radius: 8px; }
  table { width: 100%; border-collapse: collapse; margin: 12px 0; }
  td { padding: 4px 0; border-bottom: 1px solid #e3e8ee; }
  .status { padding: 10px 12px; border-radius: 8px; background: #eef2ff; }
  .status.closed, .status.cancelled { background: #fef2f2; color: #991b1b; }
  .status.done, .status.complete { background: #ecfdf5; color: #065f46; }
  form { margin: 12px 0 0; }
  button, .button { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; padding: 12px; border-radius: 8px; border: 0; cursor: pointer; text-align: center; text-decoration: none; }
  .primary { background: #635bff; color: #fff; }
  .secondary { background: #e3e8ee; color: #1a1f36; }
  button:focus-visible, .button:focus-visible { outline: 3px solid #1a1f36; outline-offset: 2px; }
</style>
</head>
<body>
${banner}
<main>${body}</main>
</body>
</html>`;
}

function pageLocale(locale: string | null): string {
  return locale && locale !== "auto" ? locale : "en";
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
