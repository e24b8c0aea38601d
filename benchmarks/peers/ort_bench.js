// ONNX Runtime peer (npm onnxruntime-node): times ONNX models on the CPU.
//
//   node ort_bench.js --threads N --runs R [--batch B] MODEL.onnx...
//
// Each model's inputs are filled with seeded values in [-1, 1) (symbolic
// dimensions, the batch, taken as B, default 1); the session runs
// sequentially on N intra-op threads with all graph optimizations.
// Prints "model,median_ms,p10_ms,p90_ms" per model.
'use strict';
const path = require('path');
const {createSession, seededFeeds} = require('./ort_common');

function parseArgs(argv) {
  const args = {threads: 1, runs: 101, batch: 1, models: []};
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--threads') args.threads = Number(argv[++i]);
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--batch') args.batch = Number(argv[++i]);
    else args.models.push(argv[i]);
  }
  if (!(args.threads >= 1) || !(args.runs >= 1) || !(args.batch >= 1) ||
      args.models.length === 0) {
    console.error('usage: node ort_bench.js [--threads N] [--runs R] [--batch B] MODEL.onnx...');
    process.exit(2);
  }
  return args;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function timeModel(model, threads, runs, batch) {
  const session = await createSession(model, threads);
  const feeds = seededFeeds(session, batch);
  for (let i = 0; i < 10; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return [percentile(times, 0.5), percentile(times, 0.1), percentile(times, 0.9)];
}

(async () => {
  const args = parseArgs(process.argv.slice(2));
  console.log('model,median_ms,p10_ms,p90_ms');
  for (const model of args.models) {
    const [median, p10, p90] = await timeModel(model, args.threads, args.runs, args.batch);
    console.log(`${path.basename(model, '.onnx')},${median.toFixed(5)},` +
                `${p10.toFixed(5)},${p90.toFixed(5)}`);
  }
})().catch((error) => {
  console.error(`ort_bench: ${error.message}`);
  process.exit(1);
});
