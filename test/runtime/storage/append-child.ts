// A real node-like process for the kill -9 test (kill9.test.ts): opens the storage in argv[2] and appends
// storeMessage writes with ids argv[3], argv[3]+1, … forever, several in flight at once (so group commit
// batches them), printing `ack <id>` once each append has resolved (= fsynced). The parent SIGKILLs it
// at a random moment; every id it saw acknowledged must be there at the next open.
import { openStorage } from '../../../src/runtime/storage/index.js';

const [dir, startArg, bodyArg] = process.argv.slice(2);
if (dir === undefined || startArg === undefined) {
  process.stderr.write('usage: append-child DIR START_ID [BODY_BYTES]\n');
  process.exit(2);
}
const start = Number(startArg);
const bodyBytes = Number(bodyArg ?? '20000');
const IN_FLIGHT = 8;

const storage = await openStorage(dir, { snapshotEveryBytes: 2 << 20 });
process.stdout.write(`open ${storage.stats().tornRecordsDropped}\n`);
let next = start;
async function worker(): Promise<void> {
  for (;;) {
    const id = next++;
    await storage.append({ kind: 'storeMessage', user: `user${id % 5}`, msg: { msgId: `m${id}`, body: `${id}:`.padEnd(bodyBytes, 'b'), sizeBytes: bodyBytes } });
    process.stdout.write(`ack ${id}\n`);
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
