// Worker thread of `porcupine campaign`: runs the campaign runs it is sent, one at a time, and answers each
// with its verdict. A failing run is run again with its trace written under the campaign's output directory
// (runs are deterministic, so the second run is the first one, observed), and the path is sent back.
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { runCampaignRun, type CampaignRun, type RunVerdict } from '../sim/campaign.js';
import { lineWriter, packageVersion } from './sim-command.js';

export interface WorkerRequest {
  readonly run: CampaignRun;
  readonly campaignSeed: number;
  /** Where failing runs' traces go; undefined: keep none. */
  readonly outDir: string | undefined;
}

export interface WorkerReply {
  readonly verdict: RunVerdict;
  readonly tracePath: string | undefined;
  /** The run threw (a bug in the simulator or a reducer): the message, counted as a failure. */
  readonly error: string | undefined;
}

export function traceFileName(campaignSeed: number, index: number): string {
  return `campaign-${campaignSeed}-run${index}.ndjson`;
}

function handle(req: WorkerRequest): WorkerReply {
  try {
    const verdict = runCampaignRun(req.run);
    if (verdict.ok || req.outDir === undefined) return { verdict, tracePath: undefined, error: undefined };
    const tracePath = join(req.outDir, traceFileName(req.campaignSeed, req.run.index));
    const w = lineWriter(tracePath);
    try {
      runCampaignRun(req.run, { sink: w.sink, version: packageVersion() });
    } finally {
      w.close();
    }
    return { verdict, tracePath, error: undefined };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { verdict: { index: req.run.index, ok: false, failed: [{ name: 'threw', example: error }] }, tracePath: undefined, error };
  }
}

parentPort?.on('message', (req: WorkerRequest) => parentPort?.postMessage(handle(req)));
