// Shared pieces of the benchmarks: spawn a process, speak just enough MCP over stdio, read its peak memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const CLI = path.join(ROOT, 'dist/cli.js');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** The floor: a bare node process that only imports the MCP SDK server package and zod, then reports. */
export function runFloor() {
  const script =
    "const t0 = performance.now(); await import('@modelcontextprotocol/server'); await import('zod');" +
    "const s = require('node:fs').readFileSync('/proc/self/status','utf8');" +
    "process.stdout.write(JSON.stringify({ rss: Number(/VmHWM:\\s+(\\d+)/.exec(s)[1]) / 1024 }));";
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script.replace("require('node:fs')", "(await import('node:fs'))")], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', () => resolve({ ms: performance.now() - started, rssMb: JSON.parse(out).rss }));
  });
}

/**
 * Spawns the server and measures spawn → `initialize` answered → `tools/list` answered; returns the time, the
 * peak RSS at that moment and the byte size of the tools/list result.
 */
export function runServer(args = [], env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, GHL_API_KEY: 'bench-token', GHL_LOG_LEVEL: 'error', ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buffer = '';
    child.on('error', reject);
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const message = JSON.parse(line);
        if (message.id === 1) {
          child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
          child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) + '\n');
        } else if (message.id === 2) {
          const ms = performance.now() - started;
          const rssMb = peakRssMb(child.pid);
          const toolsListBytes = Buffer.byteLength(JSON.stringify(message.result));
          child.kill();
          resolve({ ms, rssMb, toolsListBytes, tools: message.result.tools.length });
        }
      }
    });
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
    };
    child.stdin.write(JSON.stringify(initialize) + '\n');
  });
}
