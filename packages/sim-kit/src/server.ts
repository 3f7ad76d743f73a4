import { randomBytes } from "node:crypto";
import { type HttpBindings, serve, type ServerType } from "@hono/node-server";
import type { Context } from "hono";
import { Hono } from "hono";
import { CONTROL_PREFIX, type ControlApiOptions, mountControlApi } from "./control.ts";
import { type FaultAnswer, FaultPlan } from "./faults.ts";
import { RequestLog } from "./requests.ts";

export interface ListenOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1; 0.0.0.0 to be reachable from other machines (a phone on the LAN). */
  host?: string;
  /** How long an idle keep-alive connection stays open; Node's default when unset. */
  keepAliveTimeoutMs?: number;
}

export interface Listening {
  /** e.g. http://127.0.0.1:40123 (a wildcard host is reported as 127.0.0.1). */
  url: string;
  port: number;
  /** Stops listening and cuts every open connection. */
  close(): Promise<void>;
}

/** Serves a Hono app with @hono/node-server and resolves once the port is bound. */
export function listen(app: Hono, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info) => {
      server.off("error", reject);
      if (options.keepAliveTimeoutMs !== undefined && "keepAliveTimeout" in server) server.keepAliveTimeout = options.keepAliveTimeoutMs;
      resolve({ url: `http://${reportedHost(host)}:${info.port}`, port: info.port, close: () => closeServer(server) });
    });
    server.once("error", reject);
  });
}

function reportedHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ("closeAllConnections" in server) server.closeAllConnections();
  });
}

/** Closes the client's connection without an answer; false when there is no socket (a request made with `app.request`). */
export function dropConnection(c: Context): boolean {
  const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
  if (!socket) return false;
  socket.destroy();
  return true;
}

/** The client's IP address, as rate limits per IP see it. */
export function clientIp(c: Context): string {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress ?? "unknown";
}

/** The Node response behind a request, for a stand-in that must notice a client hanging up (long polling). */
export function nodeResponse(c: Context): HttpBindings["outgoing"] | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.outgoing;
}

export function randomControlToken(): string {
  return `ctl_${randomBytes(16).toString("hex")}`;
}

export interface StandInOptions<Detail> extends Omit<ControlApiOptions, "token" | "faults" | "requests"> {
  /** The control API's bearer token; a random one when unset. */
  controlToken?: string;
  /** The request log, when the stand-in needs it before this (its in-process control reads it); a new one otherwise. */
  requests?: RequestLog<Detail>;
  /** Ready-made fault answers by name, in the stand-in's wire format. */
  answers?: Readonly<Record<string, FaultAnswer>>;
}

/** What every stand-in is built from: its Hono app (the control API already mounted), its fault plan and its request log. */
export interface StandInCore<Detail> {
  app: Hono;
  faults: FaultPlan;
  requests: RequestLog<Detail>;
  controlToken: string;
}

/** Starts a stand-in: mount its own routes on `app` afterwards (the control API comes first and is never faulted or logged). */
export function createStandIn<Detail>(options: StandInOptions<Detail>): StandInCore<Detail> {
  const faults = new FaultPlan(options.answers);
  const requests = options.requests ?? new RequestLog<Detail>();
  const controlToken = options.controlToken ?? randomControlToken();
  const app = new Hono();
  mountControlApi(app, { ...options, token: controlToken, faults, requests });
  return { app, faults, requests, controlToken };
}

/** What every running stand-in has, whatever it stands in for. */
export interface StandIn {
  /** Its origin, e.g. http://127.0.0.1:4010. */
  url: string;
  /** `url` + `/__control`. */
  controlUrl: string;
  controlToken: string;
  faults: FaultPlan;
  requests: RequestLog<unknown>;
  /** The settings that point the product (or any client) at it, e.g. `{ ESIMGO_API_URL: "…", ESIMGO_API_KEY: "…" }`. */
  settings: Record<string, string>;
  close(): Promise<void>;
}

/** Listens for a stand-in and reports where; `beforeClose` runs first on close (timers, webhooks in flight). */
export async function serveStandIn(
  core: StandInCore<unknown>,
  options: ListenOptions & { beforeClose?: () => Promise<void> | void },
): Promise<{ url: string; controlUrl: string; port: number; close(): Promise<void> }> {
  const server = await listen(core.app, options);
  return {
    url: server.url,
    controlUrl: `${server.url}${CONTROL_PREFIX}`,
    port: server.port,
    close: async () => {
      await options.beforeClose?.();
      await server.close();
    },
  };
}
