// `npm run fuzz [-- --requests N] [--seed S] [--store sqlite|postgres]`: the fuzzer at length.
import { parseArgs } from 'node:util';
import { fuzz } from '../test/fuzz/fuzzer.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200000' },
    seed: { type: 'string' },
    store: { type: 'string', default: 'sqlite' },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const started = Date.now();
const report = await fuzz(values.store === 'postgres' ? 'postgres' : 'sqlite', seed, Number(values.requests));
const seconds = (Date.now() - started) / 1000;
console.log(
  `fuzz: ${report.requests} requests over ${report.operations} operations in ${seconds.toFixed(1)} s (seed ${seed}, ${values.store})`,
);
console.log(
  'statuses:',
  Object.entries(report.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(' '),
);
if (report.failures.length > 0) {
  console.log(`${report.failures.length} failures (first 50):`);
  for (const f of report.failures) console.log(f);
  process.exit(1);
}
console.log('no failures');
