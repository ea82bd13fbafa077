// The anomaly counting now lives in the simulator (src/sim/anomalies.ts, also printed by `porcupine sim`);
// re-exported here under the names the replication properties import.
export { countAnomalies, type AnomalyCounts } from '../../src/sim/anomalies.js';
