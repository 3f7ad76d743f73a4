/** Paths with a name, reference or ICCID in them, as one label each: a metric per ICCID would never stop growing. */
const TEMPLATES: [RegExp, string][] = [
  [/^\/catalogue\/bundle\/[^/]+$/, "/catalogue/bundle/{name}"],
  [/^\/esims\/assignments$/, "/esims/assignments"],
  [/^\/esims\/[^/]+\/compatible\/[^/]+$/, "/esims/{iccid}/compatible/{bundle}"],
  [/^\/esims\/[^/]+\/bundles$/, "/esims/{iccid}/bundles"],
  [/^\/esims\/[^/]+$/, "/esims/{iccid}"],
  [/^\/orders\/[^/]+$/, "/orders/{reference}"],
];

/** "GET /orders/{reference}" for "GET /orders/abc-123": the endpoint a call is counted under. */
export function endpointOf(method: string, path: string): string {
  const template = TEMPLATES.find(([pattern]) => pattern.test(path))?.[1];
  if (template) return `${method} ${template}`;
  const [first, ...rest] = path.split("/").filter(Boolean);
  return `${method} /${first ?? ""}${rest.length > 0 ? "/{…}" : ""}`;
}
