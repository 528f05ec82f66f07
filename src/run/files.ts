/**
 * Kept for callers written against the first version of src/run (bench/planner.ts): file I/O
 * now lives in `src/io/plan-files.ts`; import from there.
 */
export {
  readPlanFile,
  readStateFile,
  writeTextFileAtomic as writeFileAtomic,
} from '../io/plan-files.js';
