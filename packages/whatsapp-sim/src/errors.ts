import type { FaultAnswer } from "@esim-shop/sim-kit";
import { fbtraceId } from "./ids.ts";

/** Meta's codes, with the HTTP status, title and details the Cloud API answers them with. */
export const ERROR_CODES = {
  unknown: { code: 1, status: 500, title: "An unknown error occurred", details: "An unknown error occurred. Retry the request later." },
  unavailable: { code: 2, status: 500, title: "Service temporarily unavailable", details: "The service is temporarily unavailable. Retry the request later." },
  invalidParameter: { code: 100, status: 400, title: "Invalid parameter", details: "Invalid parameter" },
  accessToken: { code: 190, status: 401, title: "Invalid OAuth access token - Cannot parse access token", details: "" },
  throughput: { code: 130429, status: 429, title: "Rate limit hit", details: "Cloud API message throughput has been reached." },
  undeliverable: {
    code: 131026,
    status: 400,
    title: "Message Undeliverable",
    details: "Unable to deliver message. Reasons can include: the recipient is not a WhatsApp user, has not accepted the newest Terms of Service, or uses an old WhatsApp version.",
  },
  parameterValue: { code: 131009, status: 400, title: "Parameter value is not valid", details: "" },
  reEngagement: {
    code: 131047,
    status: 400,
    title: "Re-engagement message",
    details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
  },
  mediaUpload: { code: 131053, status: 400, title: "Media upload error", details: "" },
  pairRate: {
    code: 131056,
    status: 400,
    title: "(Business Account, Consumer Account) pair rate limit hit",
    details: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
  },
  templateParameterCount: { code: 132000, status: 400, title: "Number of parameters does not match the expected number of params", details: "" },
  templateMissing: { code: 132001, status: 404, title: "Template name does not exist in the translation", details: "" },
  templateParameterFormat: { code: 132018, status: 400, title: "There was an issue with the parameters in your template.", details: "" },
} as const;

export type ErrorName = keyof typeof ERROR_CODES;

/** Graph's own codes (1, 2, 190) carry no "(#code)" prefix in the message; #100 and WhatsApp's do. */
function messageOf(code: number, title: string): string {
  return code === 100 || code >= 1000 ? `(#${code}) ${title}` : title;
}

/** A refusal in Graph's envelope; thrown inside the stand-in and answered as JSON. */
export class GraphError extends Error {
  readonly code: number;
  readonly status: number;
  readonly title: string;
  readonly details: string;
  readonly type: string;
  readonly subcode?: number;

  constructor(name: ErrorName, details?: string, overrides: { message?: string; type?: string; subcode?: number; status?: number } = {}) {
    const known = ERROR_CODES[name];
    const message = overrides.message ?? messageOf(known.code, known.title);
    super(message);
    this.code = known.code;
    this.status = overrides.status ?? known.status;
    this.title = known.title;
    this.details = details ?? known.details;
    this.type = overrides.type ?? "OAuthException";
    if (overrides.subcode !== undefined) this.subcode = overrides.subcode;
  }

  envelope(): GraphErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        ...(this.subcode !== undefined ? { error_subcode: this.subcode } : {}),
        error_data: { messaging_product: "whatsapp", details: this.details || this.message },
        fbtrace_id: fbtraceId(),
      },
    };
  }
}

export interface GraphErrorBody {
  error: { message: string; type: string; code: number; error_subcode?: number; error_data: { messaging_product: "whatsapp"; details: string }; fbtrace_id: string };
}

/** Graph's answer for a path, object or method it does not have. */
export function unsupportedRequest(method: string, objectId: string): GraphError {
  return new GraphError("invalidParameter", undefined, {
    type: "GraphMethodException",
    subcode: 33,
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });
}

/** A parameter refused with #100, its sentence in the message as Graph writes it. */
export function invalidParameter(sentence: string): GraphError {
  return new GraphError("invalidParameter", sentence, { message: `(#100) ${sentence}` });
}

/** A Graph error as a fault's answer: `sim.faults.inject({ path: "/{phone-number-id}/messages", answer: graphErrorAnswer("pairRate") })`. */
export function graphErrorAnswer(name: ErrorName, details?: string): FaultAnswer {
  const error = new GraphError(name, details);
  return { status: error.status, body: error.envelope() };
}

/** Ready-made fault answers by name, as the Cloud API sends them. */
export const FAULT_ANSWERS: Readonly<Record<string, FaultAnswer>> = {
  throughput: graphErrorAnswer("throughput"),
  pair_rate: graphErrorAnswer("pairRate"),
  undeliverable: graphErrorAnswer("undeliverable"),
  re_engagement: graphErrorAnswer("reEngagement"),
  server_error: graphErrorAnswer("unknown"),
  unavailable: graphErrorAnswer("unavailable"),
};

/** The `errors` entry of a failed status callback. */
export function statusErrorOf(code: number): { code: number; title: string; message: string; error_data: { details: string }; href: string } {
  const known = Object.values(ERROR_CODES).find((entry) => entry.code === code);
  const title = known?.title ?? "Message failed to send";
  return {
    code,
    title,
    message: title,
    error_data: { details: known?.details || title },
    href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
  };
}
