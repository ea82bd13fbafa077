// `--fault-injection` is a switch (no value), off unless given; the JSON key must be a boolean.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNodeArgs } from '../../../src/runtime/node-config.js';

const base = ['--id', 'n1', '--rpc', '127.0.0.1:0', '--smtp', '127.0.0.1:0', '--pop3', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', 'd', '--secret-file', 's'];

describe('porcupine node --fault-injection', () => {
  it('is off by default and on with the bare flag, which takes no value', () => {
    const off = parseNodeArgs(base);
    expect(off.ok && off.config.faultInjection).toBe(false);
    const on = parseNodeArgs([...base, '--fault-injection', '--log-level', 'warn']);
    expect(on.ok, on.ok ? '' : on.errors.join('; ')).toBe(true);
    expect(on.ok && on.config.faultInjection).toBe(true);
    expect(on.ok && on.config.logLevel).toBe('warn'); // the next flag was not taken as its value
  });

  it('a config file must give it as a boolean', () => {
    const dir = mkdtempSync(join(tmpdir(), 'node-config-'));
    const file = join(dir, 'n1.json');
    writeFileSync(file, JSON.stringify({ faultInjection: 'yes' }));
    const r = parseNodeArgs([...base, '--config', file]);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors).toContain(`--fault-injection takes no value (JSON: "faultInjection": true), got 'yes'`);
  });
});
