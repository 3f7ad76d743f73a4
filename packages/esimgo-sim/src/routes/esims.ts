import { appleInstallUrl, lpaString } from "../lpa.ts";
import { assignmentState, HttpProblem, type SimEsim, type SimulatorState } from "../state.ts";
import { assignmentJson, installJson, installsCsv, installsZip, type InstallRow } from "../wire.ts";
import { clampInt, json, message, notFound, route, type Reply, type RequestContext, type Route, type ServerDeps } from "./context.ts";

/** Install details exist once the order does: an eSIM installs while its bundle is still processing (the spec). */
async function getAssignments(ctx: RequestContext, deps: ServerDeps): Promise<Reply> {
  const references = ctx.query.getAll("reference").flatMap((r) => r.split(",")).map((r) => r.trim()).filter(Boolean);
  if (references.length === 0) return message(400, "reference is required");
  const rows: InstallRow[] = [];
  for (const reference of references) {
    const order = deps.state.order(reference);
    if (!order) return notFound(deps, `Reference ${reference}`);
    for (const item of order.items) for (const esim of item.esims) rows.push({ esim, bundle: item.bundle.name, reference });
  }
  const withAppleUrl = (ctx.query.get("additionalFields") ?? "").split(",").some((f) => /appleInstallUrl|installUrl/i.test(f));
  const accept = (ctx.headers.accept ?? "").toLowerCase();
  if (accept.includes("application/zip")) {
    return { status: 200, body: await installsZip(rows, references.join("_"), withAppleUrl), contentType: "application/zip" };
  }
  if (accept.includes("application/json")) {
    const installs = rows.map((row) => installJson(row, withAppleUrl));
    return json(200, installs.length === 1 ? installs[0] : installs);
  }
  return { status: 200, body: installsCsv(rows, withAppleUrl), contentType: "text/csv" };
}

function ownEsim(ctx: RequestContext, state: SimulatorState): SimEsim {
  const esim = state.esim(ctx.params.iccid ?? "");
  // Not ours (or expired): the API answers 403 "access denied".
  if (!esim) throw new HttpProblem(403, "access denied");
  return esim;
}

function getEsim(ctx: RequestContext, { state }: ServerDeps): Reply {
  const esim = ownEsim(ctx, state);
  const started = esim.assignments.find((a) => a.startedAt !== undefined)?.startedAt;
  const withAppleUrl = /appleInstallUrl|installUrl/i.test(ctx.query.get("additionalFields") ?? "");
  return json(200, {
    iccid: esim.iccid,
    pin: esim.pin,
    puk: esim.puk,
    matchingId: esim.matchingId,
    smdpAddress: esim.smdpAddress,
    profileStatus: started === undefined ? "Released" : "Installed",
    firstInstalledDateTime: started ?? 0,
    customerRef: "",
    ...(withAppleUrl ? { appleInstallUrl: appleInstallUrl(lpaString(esim.smdpAddress, esim.matchingId)) } : {}),
  });
}

function listEsimBundles(ctx: RequestContext, { state }: ServerDeps): Reply {
  const esim = ownEsim(ctx, state);
  const includeUsed = ctx.query.get("includeUsed") === "true";
  const limit = clampInt(ctx.query.get("limit"), 15, 1, 200);
  const visible = esim.assignments.filter((a) => includeUsed || ["processing", "queued", "active"].includes(assignmentState(a))).slice(-limit);
  const byName = new Map<string, { name: string; description: string; assignments: Record<string, unknown>[] }>();
  for (const a of visible) {
    const entry = byName.get(a.bundle.name) ?? { name: a.bundle.name, description: a.bundle.description, assignments: [] };
    entry.assignments.push(assignmentJson(a));
    byName.set(a.bundle.name, entry);
  }
  return json(200, { bundles: [...byName.values()] });
}

function getEsimBundle(ctx: RequestContext, deps: ServerDeps): Reply {
  const esim = ownEsim(ctx, deps.state);
  const latest = esim.assignments.filter((a) => a.bundle.name === ctx.params.name).at(-1);
  return latest ? json(200, { assignments: [assignmentJson(latest)] }) : notFound(deps, `Bundle ${ctx.params.name} on eSIM`);
}

function compatible(ctx: RequestContext, { state }: ServerDeps): Reply {
  const esim = ownEsim(ctx, state);
  const bundle = state.bundle(ctx.params.bundle ?? "");
  if (!bundle) return message(400, `Bundle ${ctx.params.bundle} does not exist`);
  return json(200, { compatible: state.isCompatible(esim, bundle) });
}

export const ESIM_ROUTES: Route[] = [
  route("GET", "/esims/assignments", getAssignments),
  route("GET", "/esims/{iccid}", getEsim),
  route("GET", "/esims/{iccid}/bundles", listEsimBundles),
  route("GET", "/esims/{iccid}/bundles/{name}", getEsimBundle),
  route("GET", "/esims/{iccid}/compatible/{bundle}", compatible),
];
