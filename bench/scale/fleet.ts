// The processes of a deployment, each started as `npm run <command>` starts
// it (node bin/launch.js <command>), with its output in a log file, and
// restarted in place: SIGTERM (a rolling upgrade) or SIGKILL (a crash).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Member {
  name: string;
  /** Starts it and waits until it is ready. */
  start(): Promise<void>;
  /** Stops it with `signal` and waits for the exit; answers the exit code or signal. */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<string>;
  readonly running: boolean;
  /** Milliseconds the last start took to be ready. */
  readonly startedInMs: number;
}

export interface MemberSpec {
  name: string;
  command: 'engine' | 'api' | 'workers' | 'deploy';
  env: Record<string, string>;
  /** Whether the output so far (since this start) says it is ready; or a probe of its own. */
  ready: (output: string) => boolean | Promise<boolean>;
}

export function member(spec: MemberSpec, logDirectory: string): Member {
  let child: ChildProcess | undefined;
  let startedInMs = 0;
  const log = fs.createWriteStream(path.join(logDirectory, `${spec.name}.log`), { flags: 'a' });
  return {
    name: spec.name,
    get running() { return child !== undefined && child.exitCode === null && child.signalCode === null; },
    get startedInMs() { return startedInMs; },
    async start() {
      const started = Date.now();
      let output = '';
      child = spawn(process.execPath, [path.join(root, 'bin', 'launch.js'), spec.command], {
        cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      const current = child;
      for (const stream of [current.stdout!, current.stderr!]) {
        stream.on('data', (chunk: Buffer) => {
          output += chunk;
          if (output.length > 1_000_000) output = output.slice(-100_000);
          log.write(chunk);
        });
      }
      for (;;) {
        if (current.exitCode !== null || current.signalCode !== null) {
          throw new Error(`${spec.name} exited (${current.exitCode ?? current.signalCode}) before it was ready; see ${spec.name}.log`);
        }
        if (await spec.ready(output)) break;
        if (Date.now() - started > 300_000) throw new Error(`${spec.name} not ready in 5 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      startedInMs = Date.now() - started;
    },
    async stop(signal) {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return 'not running';
      const exited = new Promise<string>((resolve) => current.once('exit', (code, killedBy) => resolve(String(code ?? killedBy))));
      current.kill(signal);
      const escalate = setTimeout(() => current.kill('SIGKILL'), 60_000);
      const outcome = await exited;
      clearTimeout(escalate);
      return outcome;
    },
  };
}

/** Runs a one-off command (deploy) to its end. */
export async function runOnce(spec: Omit<MemberSpec, 'ready'>, logDirectory: string): Promise<void> {
  const log = fs.openSync(path.join(logDirectory, `${spec.name}.log`), 'a');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'launch.js'), spec.command], {
    cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...spec.env }, stdio: ['ignore', log, log],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  fs.closeSync(log);
  if (code !== 0) throw new Error(`${spec.name} exited ${code}; see ${spec.name}.log`);
}
