import type { SimBundle } from "../catalogue.ts";
import { bundleJson } from "../wire.ts";
import { clampInt, json, message, pageSizeOf, route, type Reply, type RequestContext, type Route, type ServerDeps } from "./context.ts";

function listCatalogue(ctx: RequestContext, deps: ServerDeps): Reply {
  const { state } = deps;
  const q = ctx.query;
  const pageSize = pageSizeOf(q.get("perPage"), 50, deps);
  const page = clampInt(q.get("page"), 1, 1, 1_000_000);
  const matching = sortBundles(state.catalogue().filter(catalogueFilter(q)), q.get("orderBy"), q.get("direction"));
  const bundles = matching.slice((page - 1) * pageSize, page * pageSize).map(bundleJson);
  return json(200, { bundles, pageCount: Math.ceil(matching.length / pageSize), rows: matching.length, pageSize });
}

function catalogueFilter(q: URLSearchParams): (b: SimBundle) => boolean {
  const countries = (q.get("countries") ?? "").split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
  const region = q.get("region")?.trim().toLowerCase();
  const group = q.get("group")?.trim();
  const description = q.get("description")?.trim();
  const describes = description ? wildcard(description) : undefined;
  return (b) =>
    (countries.length === 0 || b.countries.some((c) => countries.includes(c.iso))) &&
    (!region || (region === "global" ? /global/i.test(b.description) : b.countries.some((c) => c.region.toLowerCase() === region))) &&
    (!group || b.groups.includes(group)) &&
    (!describes || describes.test(b.description));
}

/** "Germany" matches anywhere; "*" and "%" are explicit wildcards. */
function wildcard(text: string): RegExp {
  const escaped = text.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/[*%]/g, ".*");
  return new RegExp(escaped, "i");
}

const SORT_KEYS: Record<string, (b: SimBundle) => string | number | boolean> = {
  bundlename: (b) => b.name,
  name: (b) => b.name,
  dataamount: (b) => b.dataAmount,
  duration: (b) => b.duration,
  autostart: (b) => b.autostart,
  roamingenabled: (b) => b.roamingEnabled.length,
  price: (b) => b.price,
};

function sortBundles(bundles: SimBundle[], orderBy: string | null, direction: string | null): SimBundle[] {
  const key = orderBy ? SORT_KEYS[orderBy.toLowerCase()] : undefined;
  if (!key) return bundles;
  const sign = direction?.toLowerCase() === "desc" ? -1 : 1;
  return [...bundles].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
}

function getBundle(ctx: RequestContext, { state }: ServerDeps): Reply {
  const bundle = state.bundle(ctx.params.name ?? "");
  return bundle ? json(200, bundleJson(bundle)) : message(400, `Bundle ${ctx.params.name} does not exist`);
}

/** OrganisationResponse, the bare object the v2.4 reference documents. */
function getOrganisation(_ctx: RequestContext, { state }: ServerDeps): Reply {
  return json(200, {
    name: "Simulated Reseller Ltd",
    taxLiable: "No",
    addr1: "1 Simulator Street",
    city: "London",
    country: "GB",
    postcode: "EC1A 1AA",
    callbackUrl: "",
    notes: "",
    groups: ["Standard Fixed Bundles", "Standard Unlimited Bundles"],
    currency: state.currency,
    balance: state.balance,
    testCredit: 0,
    businessType: "Reseller",
    website: "https://reseller.example",
    productDescription: "Travel eSIMs",
    users: [],
  });
}

function groups(): Reply {
  return json(200, { groups: [{ name: "Standard Fixed Bundles" }, { name: "Standard Unlimited Bundles" }] });
}

export const CATALOGUE_ROUTES: Route[] = [
  route("GET", "/catalogue", listCatalogue),
  route("GET", "/catalogue/bundle/{name}", getBundle),
  route("GET", "/organisation", getOrganisation),
  route("GET", "/organisation/groups", groups),
];
