import { realpath } from 'node:fs/promises';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import type { Command } from 'commander';
import {
  OWNER_CLI_PATH,
  OWNER_COMMANDS,
  type OwnerFile,
  ownerIsAlive,
  readOwnerFile,
} from '../api/owner-file.ts';
import { type DiagnosticCode, StrataError, diagnosticCodes } from '../index.ts';
import type { OwnerCliRequest } from '../serve/owner-routes.ts';
import { type CliContext, type LogFormat, globalOptions } from './context.ts';
import { EXIT_INTERRUPTED } from './exit-codes.ts';
import { type CliIo, writeChunk } from './io.ts';
import { toJsonLine } from './output/json.ts';

/**
 * The IOs of the commands this process carries out for another shell, with what the endpoint
 * accepted: such a command runs here, on the warehouse this process holds, and never delegates.
 */
const carriedOut = new WeakMap<CliIo, { project: string; command: string }>();

/** Marks an IO as that of a command carried out for a client (see `delegateToOwner`). */
export function carriedOutIo(io: CliIo, accepted: { project: string; command: string }): CliIo {
  carriedOut.set(io, accepted);
  return io;
}

/** Thrown once the owner has carried out the command: the exit code is in the context. */
export class CarriedOutElsewhere extends Error {}

/**
 * Called before a command's action. When another process on this machine owns the project's
 * warehouse (`strata serve` on DuckDB: `<project>/.strata/owner.json`), the command line goes to
 * it and its output comes back here as it is written; the action does not run (CarriedOutElsewhere).
 * No owner file, an owner that is gone, or one that does not answer: the action runs here, and
 * opening the warehouse says ENGINE_LOCKED if something else holds it.
 */
export async function delegateToOwner(
  argv: readonly string[],
  action: Command,
  ctx: CliContext,
): Promise<void> {
  const command = topCommand(action);
  if (command === undefined || !OWNER_COMMANDS.includes(command)) return;
  const { io } = ctx;
  const { projectDir, logFormat } = globalOptions(action, io);
  const accepted = carriedOut.get(io);
  if (accepted) {
    // The endpoint checked the project and command the client named; argv must say the same.
    const project = await realpath(projectDir).catch(() => projectDir);
    if (project !== accepted.project || command !== accepted.command) {
      throw new StrataError(
        'OWNER_REFUSED',
        'the command line names another command or project than the request',
        {
          hint: 'Send the project folder and command that argv resolves to.',
        },
      );
    }
    return;
  }
  // STRATA_DATABASE_URL with a server's URL selects that server (config/resolve-engine.ts): not the
  // file the owner holds, and a server needs no owner.
  if (/^postgres(ql)?:\/\//i.test(io.env.STRATA_DATABASE_URL ?? '')) return;
  const owner = await readOwnerFile(projectDir);
  if (!owner || owner.pid === process.pid || !ownerIsAlive(owner)) return;
  const request: OwnerCliRequest = {
    argv: [...argv],
    cwd: io.cwd,
    project: projectDir,
    command,
    ...(io.stdout.columns ? { columns: io.stdout.columns } : {}),
  };
  const code = await sendToOwner(owner, request, io, logFormat);
  if (code === undefined) return;
  ctx.exitCode = code;
  throw new CarriedOutElsewhere();
}

/** The subcommand of `strata` that `action` is, or is under (`runs show` is `runs`). */
function topCommand(action: Command): string | undefined {
  let command = action;
  while (command.parent?.parent) command = command.parent;
  return command.parent ? command.name() : undefined;
}

/**
 * Posts the command line to the owner and writes what it streams back; the command's exit code,
 * or undefined when the owner does not answer (a stale file: the caller opens the warehouse).
 */
async function sendToOwner(
  owner: OwnerFile,
  body: OwnerCliRequest,
  io: CliIo,
  logFormat: LogFormat,
): Promise<number | undefined> {
  const response = await post(owner, body, io.stop);
  if (!response) return io.stop?.aborted ? EXIT_INTERRUPTED : undefined;
  if (response.statusCode !== 200) throw await refusal(response);
  await writeChunk(
    io.stderr,
    logFormat === 'json'
      ? toJsonLine({ type: 'carried_out_by_owner', pid: owner.pid, command: owner.command })
      : `note: carried out by strata ${owner.command} (pid ${owner.pid}), which holds the warehouse\n`,
  );
  let exit: number | undefined;
  let rest = '';
  try {
    for await (const chunk of response.setEncoding('utf8') as AsyncIterable<string>) {
      rest += chunk;
      for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n')) {
        const line = rest.slice(0, end);
        rest = rest.slice(end + 1);
        if (line === '') continue;
        const message = JSON.parse(line) as { stdout?: unknown; stderr?: unknown; exit?: unknown };
        if (typeof message.stdout === 'string') await writeChunk(io.stdout, message.stdout);
        else if (typeof message.stderr === 'string') await writeChunk(io.stderr, message.stderr);
        else if (typeof message.exit === 'number') exit = message.exit;
      }
    }
  } catch (error) {
    if (io.stop?.aborted) return EXIT_INTERRUPTED;
    throw lost(owner, error);
  }
  if (exit === undefined) throw lost(owner);
  return exit;
}

/** The response, or undefined when the connection failed before one came. */
function post(owner: OwnerFile, body: OwnerCliRequest, stop: AbortSignal | undefined) {
  return new Promise<IncomingMessage | undefined>((resolve) => {
    const request = httpRequest(new URL(OWNER_CLI_PATH, owner.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      ...(stop ? { signal: stop } : {}),
    });
    request.once('response', resolve);
    request.once('error', () => resolve(undefined));
    request.end(JSON.stringify(body));
  });
}

/** The owner's `{ error: { code, message, hint } }` as the StrataError it reports. */
async function refusal(response: IncomingMessage): Promise<StrataError> {
  let text = '';
  for await (const chunk of response.setEncoding('utf8') as AsyncIterable<string>) text += chunk;
  let error: { code?: unknown; message?: unknown; hint?: unknown } = {};
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
  } catch {
    // not the API's error shape: described below by the status alone
  }
  const code =
    typeof error.code === 'string' && error.code in diagnosticCodes
      ? (error.code as DiagnosticCode)
      : 'OWNER_REFUSED';
  const message =
    typeof error.message === 'string'
      ? `the process that owns the warehouse refused the command: ${error.message}`
      : `the process that owns the warehouse answered HTTP ${response.statusCode ?? '?'}`;
  return new StrataError(code, message, typeof error.hint === 'string' ? { hint: error.hint } : {});
}

function lost(owner: OwnerFile, cause?: unknown): StrataError {
  return new StrataError(
    'OWNER_LOST',
    `strata ${owner.command} (pid ${owner.pid}), which was carrying out the command, stopped answering before it finished`,
    {
      hint: 'Its output above is all there is. Check `strata runs` once the warehouse is free, and run the command again if needed.',
      ...(cause !== undefined ? { cause } : {}),
    },
  );
}
