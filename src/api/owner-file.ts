import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { chmod, mkdir, readFile, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { processState } from '../audit/host-process.ts';
import { join } from 'node:path';
import type { Engine } from '../engine/types.ts';

/**
 * The commands a process that owns a warehouse carries out for the CLI in another shell. One list,
 * read by the client (which commands delegate) and the owner's endpoint (which it accepts).
 */
export const OWNER_COMMANDS: readonly string[] = [
  'run',
  'check',
  'query',
  'status',
  'runs',
  'quarantine',
  'backfill',
  'docs',
  'export',
];

/** The owner's endpoint (`serve/owner-routes.ts`), kept here so the CLI names it without loading the server. */
export const OWNER_CLI_PATH = '/api/owner/cli';

/**
 * What `<project>/.strata/owner.json` says: which process holds the project's warehouse and where
 * it answers. The token is the key to that process's endpoint, so the file is readable by its
 * user only.
 */
export interface OwnerFile {
  pid: number;
  host: string;
  /** `http://127.0.0.1:<port>`: the endpoint answers loopback requests only. */
  url: string;
  token: string;
  startedAt: string;
  /** The engine's description (`duckdb:/path/warehouse.duckdb`), for people reading the file. */
  warehouse: string;
  /** The command that owns it (`serve`, `schedule`). */
  command: string;
}

export const OWNER_DIR = '.strata';
const OWNER_FILE = 'owner.json';

export function ownerFilePath(projectRoot: string): string {
  return join(projectRoot, OWNER_DIR, OWNER_FILE);
}

/** A fresh secret for one owner process: 32 random bytes, base64url. */
export function newOwnerToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Writes the owner file: folder 0700, file 0600, through a temporary file renamed over the old
 * one, so a reader sees the old file or the new one, never half of one. An older file (a process
 * that died without removing it) is simply replaced: this process holds the warehouse now.
 */
export async function writeOwnerFile(projectRoot: string, owner: OwnerFile): Promise<void> {
  const dir = join(projectRoot, OWNER_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone (and the umask trims a new one's).
  await chmod(dir, 0o700);
  const temporary = join(dir, `${OWNER_FILE}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(owner, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, ownerFilePath(projectRoot));
}

/** The owner file as written, or undefined when there is none or it does not read as one. */
export async function readOwnerFile(projectRoot: string): Promise<OwnerFile | undefined> {
  let text: string;
  try {
    text = await readFile(ownerFilePath(projectRoot), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isOwnerFile(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the owner file if it is still the one holding `token` (a later owner's stays). */
export async function removeOwnerFile(projectRoot: string, token: string): Promise<void> {
  const owner = await readOwnerFile(projectRoot);
  if (owner?.token !== token) return;
  await unlink(ownerFilePath(projectRoot)).catch(() => undefined);
}

/**
 * Whether the owner named by a file is a live process on this machine. A file left by a process
 * that died (or written on another host sharing the folder) names no one to ask.
 */
export function ownerIsAlive(owner: OwnerFile): boolean {
  return processState(owner.pid, owner.host) === 'alive';
}

/** A warehouse a long-lived process holds open: the project's folder and its engine. */
export interface HeldWarehouse {
  root: string;
  engine: Engine;
}

/** The projects this process owns, the token of its endpoint, and how to give them up. */
export interface WarehouseOwnership {
  token: string;
  /** The owned projects' folders, real paths (the endpoint compares the client's with them). */
  roots: readonly string[];
  /** Writes the owner files, once the endpoint's address is known. */
  claim(url: string): Promise<void>;
  /** Removes the owner files that are still this process's. */
  release(): Promise<void>;
  /** The same, synchronously: for a process that is exiting (Ctrl-C) and can wait for nothing. */
  releaseSync(): void;
}

/**
 * The ownership of the warehouses that only one process may open (`multiProcessWriters` false:
 * DuckDB). A server engine (PostgreSQL) is its own owner: no file is written for it, and the CLI
 * elsewhere opens it directly. `command` names the owner in the file (`serve`, `schedule`).
 */
export async function ownWarehouses(
  held: readonly HeldWarehouse[],
  command: string,
): Promise<WarehouseOwnership> {
  const token = newOwnerToken();
  const owned = held.filter((h) => !h.engine.capabilities.multiProcessWriters);
  const roots = await Promise.all(owned.map((h) => realpath(h.root).catch(() => h.root)));
  const startedAt = new Date().toISOString();
  let claimed: readonly HeldWarehouse[] = [];
  return {
    token,
    roots,
    async claim(url) {
      for (const h of owned) {
        await writeOwnerFile(h.root, {
          pid: process.pid,
          host: hostname(),
          url,
          token,
          startedAt,
          warehouse: h.engine.description,
          command,
        });
      }
      claimed = owned;
    },
    async release() {
      await Promise.all(claimed.map((h) => removeOwnerFile(h.root, token)));
      claimed = [];
    },
    releaseSync() {
      for (const h of claimed) {
        try {
          const owner: unknown = JSON.parse(readFileSync(ownerFilePath(h.root), 'utf8'));
          if (isOwnerFile(owner) && owner.token === token) unlinkSync(ownerFilePath(h.root));
        } catch {
          // gone already, or not readable: nothing of ours to remove
        }
      }
      claimed = [];
    },
  };
}

function isOwnerFile(value: unknown): value is OwnerFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(v.pid) &&
    typeof v.host === 'string' &&
    typeof v.url === 'string' &&
    /^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/.test(v.url) &&
    typeof v.token === 'string' &&
    typeof v.startedAt === 'string' &&
    typeof v.warehouse === 'string' &&
    typeof v.command === 'string'
  );
}
