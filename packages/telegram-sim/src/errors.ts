import type { ApiErrorShape } from "./types.ts";

/** A Bot API failure, answered as `{ ok: false, error_code, description, parameters }`. */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ApiErrorShape["parameters"],
  ) {
    super(description);
  }

  static from(shape: ApiErrorShape): BotApiError {
    return new BotApiError(shape.error_code, shape.description, shape.parameters);
  }

  toWire(): Record<string, unknown> {
    const wire: Record<string, unknown> = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters) wire.parameters = this.parameters;
    return wire;
  }
}

export function badRequest(what: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${what}`);
}

export const blockedError: ApiErrorShape = { error_code: 403, description: "Forbidden: bot was blocked by the user" };
