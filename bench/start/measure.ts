// How long `npm start` takes to answer /health, and how much of that was CPU:
// on a shared machine the wall time says more about the neighbours than about
// the start, while the CPU seconds of every process the start ran (node, npm,
// esbuild, initdb, PostgreSQL and its backends) are what a quiet machine
// would spend too. bench/start/index.ts prints them; test/entry-points.test.ts
// holds the start to generous bounds of both.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../platform/process-alive.ts';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A fresh clone of this checkout as it stands (the files git tracks, edited or
 * not, and new ones it does not ignore), with no build/, no bundles and no
 * data; node_modules is linked, as `npm install` would have left it.
 */
export function freshClone(parent = os.tmpdir()): string {
  const folder = fs.mkdtempSync(path.join(parent, 'shahrdari-clone-'));
  // PostgreSQL runs as its own user, which must reach the clone's data folder.
  fs.chmodSync(folder, 0o755);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of new Set(files)) {
    const from = path.join(root, file);
    if (!fs.existsSync(from) || fs.statSync(from).isDirectory()) continue;
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.copyFileSync(from, path.join(folder, file));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(folder, 'node_modules'));
  return folder;
}

export interface CpuSeconds {
  /** npm, node and whatever they started in their session (esbuild, initdb, pg_ctl), finished or not. */
  start: number;
  /** The PostgreSQL server and its backends (migrations, the first queries); it runs in a session of its own. */
  postgres: number;
}

export interface StartTiming {
  /** Spawn to the first 200 from /health. */
  wallMs: number;
  /** CPU spent up to then; undefined where there is no /proc. */
  cpu?: CpuSeconds;
  loadBefore: number;
  loadAfter: number;
  url: string;
  output(): string;
  /** Ctrl-C as a terminal sends it (SIGINT to the whole group); answers when every process of the start has ended. */
  stop(): Promise<void>;
  child: ChildProcess;
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat { pid: number; ppid: number; session: number; ticks: number }

function processes(): ProcStat[] {
  const found: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces and parentheses.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // utime, stime, and cutime, cstime (children it waited for).
      const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
      found.push({ pid: Number(entry), ppid: Number(fields[1]), session: Number(fields[3]), ticks });
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

/** CPU seconds of the session `session` and of the PostgreSQL server whose pid file is `postmasterPid`. */
export function cpuSeconds(session: number, postmasterPid: string): CpuSeconds | undefined {
  if (!fs.existsSync('/proc/self/stat')) return undefined;
  const all = processes();
  let postmaster = 0;
  try {
    postmaster = Number(fs.readFileSync(postmasterPid, 'utf8').split('\n')[0]);
  } catch {
    // An external database: nothing of ours to count.
  }
  const sum = (list: ProcStat[]) => list.reduce((total, stat) => total + stat.ticks, 0) / ticksPerSecond;
  return {
    start: sum(all.filter((stat) => stat.session === session)),
    postgres: postmaster ? sum(all.filter((stat) => stat.pid === postmaster || stat.ppid === postmaster)) : 0,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `command` (default `npm start`) in `checkout` on an embedded
 * PostgreSQL under `dataDir`, in a session of its own, and waits until
 * /health answers 200. Rejects if it exits first or takes `timeoutMs`.
 */
export async function timeStart(checkout: string, dataDir: string, options: { command?: string[]; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<StartTiming> {
  const [program, ...args] = options.command ?? ['npm', 'start'];
  const loadBefore = os.loadavg()[0]!;
  const began = performance.now();
  const child = spawn(program!, args, {
    cwd: checkout,
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ZEEBE_PORT: '0', DATA_DIR: dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = began + (options.timeoutMs ?? 300_000);
  let url: string | undefined;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the start exited (${child.exitCode ?? child.signalCode}) before /health answered:\n${output.split('\n').slice(-20).join('\n')}`);
    if (performance.now() > deadline) {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      throw new Error(`no answer from /health in ${options.timeoutMs ?? 300_000} ms:\n${output.split('\n').slice(-20).join('\n')}`);
    }
    url ??= /ready at (http:\/\/\S+)/.exec(output)?.[1];
    if (url && (await fetch(`${url}/health`).then((response) => response.status === 200, () => false))) break;
    await pause(url ? 20 : 50);
  }
  const wallMs = performance.now() - began;
  const cpu = cpuSeconds(child.pid!, path.join(dataDir, 'postgres', 'postmaster.pid'));
  const loadAfter = os.loadavg()[0]!;
  const stop = async () => {
    for (const afterMs of [0, 15, 40]) {
      await pause(afterMs);
      try { process.kill(-child.pid!, 'SIGINT'); } catch { /* the group is gone already */ }
    }
    // npm exits on the signal without waiting for its child: wait for the whole group.
    // PostgreSQL's shutdown checkpoint can take seconds on a busy disk.
    for (let waited = 0; isAlive(-child.pid!) && waited < 90_000; waited += 100) await pause(100);
  };
  return { wallMs, cpu, loadBefore, loadAfter, url: url!, output: () => output, stop, child };
}

/** One line for a timing: wall, CPU and load. */
export function describe(timing: StartTiming): string {
  const cpu = timing.cpu ? `, CPU ${(timing.cpu.start + timing.cpu.postgres).toFixed(1)} s (start ${timing.cpu.start.toFixed(1)} s + PostgreSQL ${timing.cpu.postgres.toFixed(1)} s)` : '';
  return `${(timing.wallMs / 1000).toFixed(1)} s to /health${cpu}; load average ${timing.loadBefore.toFixed(1)} before, ${timing.loadAfter.toFixed(1)} after`;
}
