// Part 2 of the corpus test (see corpus-suite.ts): rows run in parallel across vitest's workers.
import { corpusSuite } from './corpus-suite.js';

corpusSuite(1);
