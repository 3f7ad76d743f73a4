import { existsSync, readFileSync } from "node:fs";
import dotenv from "dotenv";
import type { Environment } from "./config.ts";

/** The process environment over an optional .env file: real variables always win. */
export function loadEnvironment(envFile = ".env"): Environment {
  const fromFile = existsSync(envFile) ? dotenv.parse(readFileSync(envFile)) : {};
  return { ...fromFile, ...process.env };
}
