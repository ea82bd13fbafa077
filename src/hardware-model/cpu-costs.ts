// CPU time per reducer step, by kind of step (parameters.ts CPU_MS_300), scaled by clock rate: the paper's
// CPUs are one family (Pentium II), so work that takes t at 300 MHz takes t × 300 / f at f MHz [ours].
import type { Input, Message } from '../pure/io.js';
import { CPU_MS_300, REFERENCE_MHZ } from './parameters.js';
import { messageBytes } from './wire-size.js';

/** The step kinds the model charges (one per input, plus per-KB copying and replication work). */
export type StepKind = 'smtpSession' | 'smtpData' | 'popCommand' | 'passwordCheck' | 'sessionEnd' | 'rpc' | 'replication' | 'persistDone' | 'timer' | 'boot';

const REPLICATION_KINDS: ReadonlySet<Message['kind']> = new Set(['replPush', 'replAck', 'replNack', 'replRetire', 'replReconcile', 'replReconciled']);

export function stepKind(input: Input): StepKind {
  switch (input.kind) {
    case 'client':
      switch (input.request.kind) {
        case 'smtpRcpt':
          return 'smtpSession';
        case 'smtpData':
          return 'smtpData';
        case 'sessionEnd':
          return 'sessionEnd';
        default:
          return 'popCommand';
      }
    case 'message':
      return REPLICATION_KINDS.has(input.message.kind) ? 'replication' : 'rpc';
    case 'persisted':
    case 'persistFailed':
      return 'persistDone';
    case 'timer':
      return 'timer';
    case 'passwordChecked':
      return 'passwordCheck';
    case 'boot':
      return 'boot';
  }
}

/** CPU ms of one step at 300 MHz: the step's own cost plus copying the bytes it receives. */
export function cpuMs300(input: Input, kind: StepKind = stepKind(input)): number {
  const c = CPU_MS_300;
  switch (kind) {
    case 'smtpSession':
      return c.smtpSession;
    case 'smtpData':
      return c.smtpData + (input.kind === 'client' && input.request.kind === 'smtpData' ? (c.perKb * input.request.body.length) / 1024 : 0);
    case 'popCommand':
      return c.popCommand;
    case 'passwordCheck':
      return c.passwordCheck;
    case 'sessionEnd':
      return c.sessionEnd;
    case 'rpc':
    case 'replication': {
      const bytes = input.kind === 'message' ? messageBytes(input.message) : 0;
      return c.rpc + (c.perKb * bytes) / 1024 + (kind === 'replication' ? c.replicationWork : 0);
    }
    case 'persistDone':
      return c.persistDone;
    case 'timer':
      return c.timer;
    case 'boot':
      return 0;
  }
}

export function scaleToClock(ms300: number, mhz: number): number {
  return (ms300 * REFERENCE_MHZ) / mhz;
}
