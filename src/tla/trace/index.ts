// Trace validation of recorded NDJSON behaviours against a spec (see validate.ts).
export { validateTrace, validateParsed, validateParsedEach, describeFailure } from './validate.js';
export type { ValidateOptions, ValidationResult, ValidationFailure } from './validate.js';
export { parseNdjson, jsonToCfgValue } from './ndjson.js';
export type { ParsedTrace, TraceEvent, TraceHeader } from './ndjson.js';
export { randomWalkTrace } from './generate.js';
