import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

export interface DirectoryLock {
  release(): void;
}

export class DatabaseLockedError extends Error {
  constructor(directory: string, pid: number) {
    super(
      `The embedded database in ${directory} is already in use by process ${pid}. ` +
        `Stop that process, or set DATA_DIR to another directory, or DATABASE_URL to a PostgreSQL server.`,
    );
    this.name = "DatabaseLockedError";
  }
}

// PGlite has no lock of its own: two processes on one directory corrupt it.
export function acquireDirectoryLock(directory: string): DirectoryLock {
  const file = path.join(directory, "..", "pglite.lock");
  if (!tryCreate(file)) {
    const holder = readHolder(file);
    if (holder !== undefined && isAlive(holder)) throw new DatabaseLockedError(directory, holder);
    rmSync(file, { force: true });
    if (!tryCreate(file)) throw new DatabaseLockedError(directory, readHolder(file) ?? -1);
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (readHolder(file) === process.pid) rmSync(file, { force: true });
    },
  };
}

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, "wx");
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
