// Prometheus metrics of one node (prom-client): counters fed by the driver's hooks (effects, inputs, trace
// events) and by the storage's fsync hook; transport and storage totals are read at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Effect, Input } from '../pure/io.js';
import type { NodeStorage, Transport, TransportStats } from './contracts.js';
import type { DriverHooks } from './driver.js';

/** Membership trace actions that mean the cluster changed its view (a reconfiguration). */
const reconfigActions = new Set(['CommitEpoch', 'InstallView']);

export class NodeMetrics {
  readonly registry = new Registry();
  private readonly deliveries = new Counter({ name: 'porcupine_deliveries_total', help: 'SMTP recipients answered, by reply code', labelNames: ['code'], registers: [this.registry] });
  private readonly retrievals = new Counter({ name: 'porcupine_retrievals_total', help: 'POP3 messages retrieved (RETR/TOP answered +OK)', registers: [this.registry] });
  private readonly popDeletes = new Counter({ name: 'porcupine_pop_deletes_total', help: 'Messages deleted at POP3 QUIT', registers: [this.registry] });
  private readonly logins = new Counter({ name: 'porcupine_pop_logins_total', help: 'POP3 logins, by outcome', labelNames: ['ok'], registers: [this.registry] });
  private readonly fsyncLatency = new Histogram({
    name: 'porcupine_fsync_seconds', help: 'Latency of each fsync of the storage log', registers: [this.registry],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
  });
  private readonly batchSize = new Histogram({
    name: 'porcupine_group_commit_batch_records', help: 'Records made durable by one fsync (group commit)', registers: [this.registry],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096],
  });
  private readonly rpcSent = new Counter({ name: 'porcupine_rpc_sent_total', help: 'Node-to-node messages sent, by kind', labelNames: ['kind'], registers: [this.registry] });
  private readonly rpcReceived = new Counter({ name: 'porcupine_rpc_received_total', help: 'Node-to-node messages received, by kind', labelNames: ['kind'], registers: [this.registry] });
  private readonly reconfigs = new Counter({ name: 'porcupine_reconfigurations_total', help: 'Membership views committed or installed here', labelNames: ['action'], registers: [this.registry] });
  private readonly persistFailures = new Counter({ name: 'porcupine_persist_failures_total', help: 'Durable writes that failed (full disk, I/O error)', registers: [this.registry] });

  constructor(storage: () => NodeStorage, transport: () => Transport | undefined) {
    collectDefaultMetrics({ register: this.registry });
    const reg = this.registry;
    new Gauge({
      name: 'porcupine_fsyncs', help: 'fsyncs of the storage since the process started', registers: [reg],
      collect() {
        this.set(storage().stats().fsyncs);
      },
    });
    // The transport's counters, read at scrape time; one labelled series per counter.
    const transportGauge = (name: string, help: string, labelName: string, series: (t: TransportStats) => Record<string, number>): void =>
      void new Gauge({
        name, help, labelNames: [labelName], registers: [reg],
        collect() {
          const t = transport()?.stats();
          if (t === undefined) return;
          for (const [label, value] of Object.entries(series(t))) this.set({ [labelName]: label }, value);
        },
      });
    transportGauge('porcupine_frames_dropped', 'Transport frames dropped, by reason (queue full, bad frame)', 'reason', (t) => ({ queueFull: t.droppedQueueFull, badFrame: t.droppedBadFrame }));
    transportGauge('porcupine_frames', 'Transport frames sent and received', 'direction', (t) => ({ sent: t.framesSent, received: t.framesReceived }));
    // Unlike porcupine_rpc_*_total (counted at the reducer, a node's messages to itself and messages the transport
    // then dropped included), these are the messages that crossed the wire; frames/messages shows the batching.
    transportGauge('porcupine_transport_messages', 'Messages sent and received over the transport (a frame carries one or a batch)', 'direction', (t) => ({ sent: t.messagesSent, received: t.messagesReceived }));
  }

  /** The storage calls this after every fsync (NodeStorage.onFsync). */
  onFsync = (latencyMs: number, batch: number): void => {
    this.fsyncLatency.observe(latencyMs / 1000);
    this.batchSize.observe(batch);
  };

  readonly hooks: DriverHooks = {
    onEffect: (e: Effect) => {
      if (e.kind === 'send') this.rpcSent.inc({ kind: e.message.kind });
      else if (e.kind === 'reply') {
        const r = e.reply;
        if (r.kind === 'smtpData') for (const x of r.results) this.deliveries.inc({ code: String(x.code) });
        else if (r.kind === 'popRetr' && r.ok) this.retrievals.inc();
        else if (r.kind === 'popQuit' && r.ok) this.popDeletes.inc(r.deleted);
        else if (r.kind === 'popAuth') this.logins.inc({ ok: String(r.ok) });
      }
    },
    onInput: (input: Input) => {
      if (input.kind === 'message') this.rpcReceived.inc({ kind: input.message.kind });
      else if (input.kind === 'persistFailed') this.persistFailures.inc();
    },
    onTrace: (action: string) => {
      if (reconfigActions.has(action)) this.reconfigs.inc({ action });
    },
  };

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Several hook sets as one (metrics and the trace file both listen). */
export function combineHooks(...hs: (DriverHooks | undefined)[]): DriverHooks {
  const all = hs.filter((h): h is DriverHooks => h !== undefined);
  return {
    onEffect: (e) => all.forEach((h) => h.onEffect?.(e)),
    onInput: (i) => all.forEach((h) => h.onInput?.(i)),
    onTrace: (a, args, now) => all.forEach((h) => h.onTrace?.(a, args, now)),
  };
}
