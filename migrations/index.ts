import type { Migration } from "kysely";
import * as initial from "./0001_initial.ts";

// Forward-only: migrations are listed here in order and never edited once released.
export const migrations: Record<string, Migration> = {
  "0001_initial": initial,
};
