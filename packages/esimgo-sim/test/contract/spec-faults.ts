/**
 * Where the v2.4 OpenAPI file (spec/esimgo-openapi-v2.4.yaml) is known to be wrong or silent, and what the stand-in
 * serves instead: the one place these exceptions live. Each patches the parsed spec before any body is validated;
 * everything else is held to the file, with no field it does not document (additionalProperties: false).
 * Facts behind each: the eSIM Go reference notes (shared/reference/esimgo-api.md beside the project) (sections in brackets).
 */
export type Schema = { [key: string]: unknown };
export type Spec = { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };

export interface SpecFault {
  name: string;
  why: string;
  patch(spec: Spec): void;
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

function schema(spec: Spec, name: string): Schema {
  const found = spec.components.schemas[name];
  if (!found) throw new Error(`spec has no schema ${name}`);
  return found;
}

function properties(node: Schema): Record<string, Schema> {
  return node.properties as Record<string, Schema>;
}

/** The JSON schema of an operation's answer (`get /orders`, 200). */
function response(spec: Spec, method: string, path: string, status: string): { schema: Schema } {
  const responses = spec.paths[path]?.[method]?.responses as Record<string, { content: Record<string, { schema: Schema }> }> | undefined;
  const content = responses?.[status]?.content;
  const json = content?.["application/json"] ?? content?.["text/plain"];
  if (!json) throw new Error(`spec has no ${method} ${path} ${status}`);
  return json;
}

export const SPEC_FAULTS: readonly SpecFault[] = [
  {
    name: "catalogue wrapper",
    why: "GET /catalogue is documented as a bare array; live integrations read {bundles, pageCount, rows, pageSize} [§2]",
    patch(spec) {
      response(spec, "get", "/catalogue", "200").schema = {
        type: "object",
        properties: { bundles: ref("CatalogueResponse"), pageCount: { type: "integer" }, rows: { type: "integer" }, pageSize: { type: "integer" } },
        required: ["bundles", "pageCount", "rows", "pageSize"],
      };
    },
  },
  {
    name: "decimal money",
    why: "prices, totals and the balance are typed integer but are decimals (price: 1.36, balance + test credit) [§1 Formats]",
    patch(spec) {
      const decimal = { type: "number" };
      const items = (node: Schema) => properties(node.items as Schema);
      Object.assign(items(schema(spec, "CatalogueResponse")), { price: decimal });
      Object.assign(properties(schema(spec, "BundleCatalogueResponse")), { price: decimal });
      Object.assign(properties(schema(spec, "OrganisationResponse")), { balance: decimal, testCredit: decimal });
      const order = schema(spec, "Order");
      Object.assign(properties(order), { total: decimal });
      Object.assign(items(properties(order).order as Schema), { subTotal: decimal, pricePerUnit: decimal });
    },
  },
  {
    name: "GET /orders list",
    why: "documented as one OrderResponseTransaction; the list is an array of Order (v2.5 OrderList, note createDate), with includeIccids adding esims and iccids to each item [§3]",
    patch(spec) {
      const transactionItem = (properties(schema(spec, "OrderResponseTransaction")).order as Schema).items as Schema;
      const orderItem = (properties(schema(spec, "Order")).order as Schema).items as Schema;
      Object.assign(properties(orderItem), { esims: properties(transactionItem).esims, iccids: properties(transactionItem).iccids });
      response(spec, "get", "/orders", "200").schema = ref("OrderList");
    },
  },
  {
    name: "catalogue bundle fields",
    why: "imageUrl is served live though not in the spec [§2]; GET /catalogue/bundle/{name} carries groups like the list does",
    patch(spec) {
      const imageUrl = { type: "string" };
      Object.assign(properties((schema(spec, "CatalogueResponse").items as Schema)), { imageUrl });
      Object.assign(properties(schema(spec, "BundleCatalogueResponse")), { imageUrl, groups: { type: "array", items: { type: "string" } }, billingType: { type: "string", enum: ["FixedCost"] } });
    },
  },
  {
    name: "install details",
    why: "GET /esims/assignments JSON adds appleInstallUrl (additionalFields), bundle and reference (the CSV's columns, v2.5 Assignments), and several eSIMs come as an array (unconfirmed) [§4]",
    patch(spec) {
      const install = schema(spec, "eSIMDetailsInstallResponse");
      Object.assign(properties(install), { appleInstallUrl: { type: "string" }, bundle: { type: "string" }, reference: { type: "string" } });
      response(spec, "get", "/esims/assignments", "200").schema = { oneOf: [ref("eSIMDetailsInstallResponse"), { type: "array", minItems: 2, items: ref("eSIMDetailsInstallResponse") }] };
      Object.assign(properties(schema(spec, "eSIMDetailsResponse")), { appleInstallUrl: { type: "string" } });
    },
  },
  {
    name: "duplicate key",
    why: "BundleGroupList repeats `type: object`, which strict YAML refuses: the file is read with duplicate keys allowed",
    patch() {
      // Handled when parsing (SpecContract).
    },
  },
  {
    name: "undocumented 404",
    why: "only with `notFoundStatus: 404`: the spec lists 400/403 for an unknown reference, never 404 (SpecContract's notFound404)",
    patch() {
      // A Message body is accepted for 404 only when the contract is told the stand-in was set so.
    },
  },
  {
    name: "JSON errors",
    why: "POST /orders documents its 400/401/503 as text/plain; every error body is {\"message\"} JSON [§1 Error shape]",
    patch() {
      // Validated as Message whatever the documented content type (see `response`).
    },
  },
];
