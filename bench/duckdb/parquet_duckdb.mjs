#!/usr/bin/env node
// DuckDB side of bench/parquet.sh: reads the benchmark's Parquet file into a table and writes a table as Parquet, with
// the protocol of bench/ModelOps.Bench.Datasets (one warm-up round, then N rounds, each measurement once per round in
// turn; best and median wall time; CPU of this process and of other processes from /proc). DuckDB runs in memory with
// 2 threads (the machine's 2 cores). Each result also gives the best of the undisturbed runs (other processes under
// 0.1 cores), as the .NET side does.
//
//   cd bench/duckdb && npm ci          (once: the pinned @duckdb/node-api into node_modules/)
//   node bench/duckdb/parquet_duckdb.mjs INPUT.parquet PRODUCT_WRITTEN.parquet EXPECTED.json OUT_FOLDER [--runs N]
//
// Measurements (RESULT lines):
//   duckdb_read          CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet(INPUT): every value of every column
//                        decoded and stored in DuckDB's in-memory table (its frame; in-memory tables are not compressed)
//   duckdb_write         COPY w TO OUT_FOLDER/parquet_write_duckdb.parquet (FORMAT parquet, COMPRESSION snappy), where w
//                        is PRODUCT_WRITTEN loaded as a table: the same values with the same Parquet types as the
//                        product writes (BIGINT, DOUBLE, BOOLEAN, VARCHAR, TIMESTAMP WITH TIME ZONE)
//   duckdb_write_input_types  the same COPY of t (the input's own types: INTEGER, FLOAT, DATE, ... as well)
// Checks (CHECK lines): the row count and every column's non-null count of INPUT, of PRODUCT_WRITTEN and of DuckDB's own
// file equal EXPECTED.json (written by the .NET side from the frame it read).

import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
let runs = 5;
const runsAt = args.indexOf('--runs');
if (runsAt >= 0) {
  runs = Number(args[runsAt + 1]);
  args.splice(runsAt, 2);
}
if (args.length !== 4 || !(runs >= 1)) {
  console.error('usage: node parquet_duckdb.mjs INPUT.parquet PRODUCT_WRITTEN.parquet EXPECTED.json OUT_FOLDER [--runs N]');
  process.exit(2);
}
const [input, productWritten, expectedJson, outFolder] = args.map((a) => resolve(a));
const expected = JSON.parse(readFileSync(expectedJson, 'utf8'));
const duckdbOut = join(outFolder, 'parquet_write_duckdb.parquet');
const duckdbOutInputTypes = join(outFolder, 'parquet_write_duckdb_input_types.parquet');
const quote = (path) => `'${path.replaceAll("'", "''")}'`;

// Busy ticks of the machine (all but idle and iowait, 1/100 s) and this process's CPU (microseconds).
function load() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = cpu.reduce((a, b) => a + b, 0) - cpu[3] - cpu[4];
  const own = process.cpuUsage();
  return { busy: busy / 100, own: (own.user + own.system) / 1e6 };
}

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const connection = await instance.connect();
const scalar = async (sql) => (await connection.runAndReadAll(sql)).getRows()[0];
const [version] = await scalar('SELECT version()');
const [threads] = await scalar("SELECT current_setting('threads')");
console.log(`DuckDB ${version} (@duckdb/node-api), threads=${threads}`);

let failed = false;
async function checkCounts(name, path) {
  const columns = Object.keys(expected.non_null);
  const row = await scalar(`SELECT count(*), ${columns.map((c) => `count("${c}")`).join(', ')} FROM read_parquet(${quote(path)})`);
  const problems = [];
  if (Number(row[0]) !== expected.rows) problems.push(`rows: ${row[0]} against ${expected.rows}`);
  columns.forEach((c, i) => {
    if (Number(row[i + 1]) !== expected.non_null[c]) problems.push(`${c}: ${row[i + 1]} non-null against ${expected.non_null[c]}`);
  });
  failed ||= problems.length > 0;
  console.log(`CHECK ${name}: ${problems.length === 0 ? 'ok' : 'FAILED'}, DuckDB read ${row[0]} rows of ${path.split('/').pop()}, every column's non-null count compared`);
  for (const p of problems) console.log(`  ${p}`);
}

await checkCounts('duckdb_reads_input', input);
await checkCounts('duckdb_reads_product_file', productWritten);
await connection.run(`CREATE OR REPLACE TABLE w AS SELECT * FROM read_parquet(${quote(productWritten)})`);

const measurements = [
  ['duckdb_read', `CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet(${quote(input)})`],
  ['duckdb_write', `COPY w TO ${quote(duckdbOut)} (FORMAT parquet, COMPRESSION snappy)`],
  ['duckdb_write_input_types', `COPY t TO ${quote(duckdbOutInputTypes)} (FORMAT parquet, COMPRESSION snappy)`],
];

console.log('warm-up round');
for (const [name, sql] of measurements) {
  const start = performance.now();
  await connection.run(sql);
  console.log(`  ${name}: ${((performance.now() - start) / 1000).toFixed(3)} s`);
}
await checkCounts('duckdb_write_reads_back', duckdbOut);

const samples = measurements.map(() => []);
for (let round = 0; round < runs; round++) {
  for (let m = 0; m < measurements.length; m++) {
    const before = load();
    const start = performance.now();
    await connection.run(measurements[m][1]);
    const seconds = (performance.now() - start) / 1000;
    const after = load();
    const own = after.own - before.own;
    const others = Math.max(0, after.busy - before.busy - own);
    samples[m].push({ seconds, own, others });
    console.log(`run ${round + 1} ${measurements[m][0]}: ${seconds.toFixed(3)} s, this process ${(own / seconds).toFixed(2)} cores, other processes ${(others / seconds).toFixed(2)} cores`);
  }
}

const [rows] = await scalar('SELECT count(*) FROM t');
for (let m = 0; m < measurements.length; m++) {
  const s = samples[m];
  const seconds = s.map((x) => x.seconds).sort((a, b) => a - b);
  const best = seconds[0];
  const median = seconds.length % 2 === 1 ? seconds[(seconds.length - 1) / 2] : (seconds[seconds.length / 2 - 1] + seconds[seconds.length / 2]) / 2;
  const wall = s.reduce((a, x) => a + x.seconds, 0);
  const cores = s.reduce((a, x) => a + x.own, 0) / wall;
  const others = s.reduce((a, x) => a + x.others, 0) / wall;
  const othersMax = Math.max(...s.map((x) => x.others / x.seconds));
  const idle = s.filter((x) => x.others / x.seconds < 0.1).map((x) => x.seconds);
  const file = measurements[m][0] === 'duckdb_write' ? ` file_mb=${(statSync(duckdbOut).size / 1048576).toFixed(1)}` : '';
  console.log(`RESULT name=${measurements[m][0]} rows=${rows} best_s=${best.toFixed(4)} median_s=${median.toFixed(4)} rows_per_s=${(Number(rows) / best).toFixed(0)} cores=${cores.toFixed(2)} others_cores=${others.toFixed(2)} others_cores_max=${othersMax.toFixed(2)} idle_runs=${idle.length} best_idle_s=${idle.length ? Math.min(...idle).toFixed(4) : 'NaN'}${file}`);
}
console.log(`RESULT name=duckdb_process peak_rss_mb=${(process.resourceUsage().maxRSS / 1024).toFixed(0)} version=${version}`);
process.exit(failed ? 1 : 0);
