// `npm run test:crash [-- --runs N] [--workers N] [--seed S]`: the crash test at length.
import { parseArgs } from 'node:util';
import { crashTest } from '../test/crash/crasher.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    workers: { type: 'string', default: '16' },
    seed: { type: 'string' },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const started = Date.now();
const report = await crashTest({
  runs: Number(values.runs),
  workers: Number(values.workers),
  killAfterMs: [300, 2_500],
  seed,
});
console.log(
  `crash test: ${report.runs} SIGKILLs in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed})`,
);
console.log(
  `requests ${report.requests}: answered 2xx ${report.answered2xx}, 4xx ${report.answered4xx}, unanswered ${report.unanswered} ` +
    `(retried with their keys: ${report.retriedTo2xx} → 2xx, ${report.retriedTo4xx} → 4xx); ${report.replayed} replayed exactly`,
);
console.log(`objects: ${JSON.stringify(report.objects)}; nothing half-applied`);
