import { readFileSync } from 'node:fs';

/** CPU time and memory of a process, read from /proc (Linux). */
export interface ProcSample {
  /** user + system CPU time in milliseconds */
  cpuMs: number;
  /** resident set size in bytes */
  rssBytes: number;
  /** peak resident set size in bytes */
  peakRssBytes: number;
}

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** Reads a process's CPU time and memory; zeros when /proc is not available. */
export function sampleProcess(pid: number): ProcSample {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return {
      cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND,
      rssBytes: kb('VmRSS'),
      peakRssBytes: kb('VmHWM'),
    };
  } catch {
    return { cpuMs: 0, rssBytes: 0, peakRssBytes: 0 };
  }
}
