// A small deterministic pseudo-random generator for fuzz tests and generated fixtures: the same
// seed gives the same sequence, so a failure can be replayed. The one mulberry32 of the project
// lives in src/demo/random.ts (src/ must not depend on test/); tests take it from there.
export { seededRandom as rng } from '../../src/demo/random.ts';
