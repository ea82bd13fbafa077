// Public surface of the replication manager (see docs/replication.md).
export * from './bugs.js';
export * from './hard-state.js';
export * from './hlc.js';
export * from './limits.js';
export * from './lww.js';
export * from './messages.js';
export * from './objects.js';
export { bootReplication, defaultReplicationConfig, ownsPersist, readObject, stepReplication, type ReplicationInput } from './replication.js';
export type { UpdateRequest } from './coordinator.js';
export { replicationTraceActions, type ReplicationConfig, type ReplicationEffect, type ReplicationEvent, type ReplicationState, type ReplicationStep, type ReplicationTraceAction } from './state.js';
export { isReplicationTimer } from './timers.js';
