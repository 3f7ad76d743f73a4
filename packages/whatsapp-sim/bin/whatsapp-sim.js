#!/usr/bin/env node
// The stand-ins are TypeScript with no build step: tsx loads them.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
