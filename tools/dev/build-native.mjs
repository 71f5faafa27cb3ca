#!/usr/bin/env node
// Builds the napi-rs addon (native/crates/keel-napi) in release mode into libs/native/addon/:
// the platform-suffixed `keel.<platform>.node`, the generated `index.js` loader and `index.d.ts`;
// then the programs native/target/release/keel-rfsd (the replication daemon, driven by apps/rfs)
// and keel-fence (the namespace of a module's application, driven by apps/admin).
// Cargo's incremental build makes a second run with no Rust change take a few seconds.
// Usage: npm run build:native
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const crateDir = join(root, 'native', 'crates', 'keel-napi');
const targetDir = join(root, 'native', 'target');
const outDir = join(root, 'libs', 'native', 'addon');

function fail(message) {
  console.error(`build-native: ${message}`);
  process.exit(1);
}

function napiCliPath() {
  const require = createRequire(import.meta.url);
  let pkgPath;
  try {
    pkgPath = require.resolve('@napi-rs/cli/package.json', { paths: [root] });
  } catch {
    fail('@napi-rs/cli is not installed; run `npm ci` at the repository root first.');
  }
  const bin = JSON.parse(readFileSync(pkgPath, 'utf8')).bin;
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin.napi);
}

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.error || cargo.status !== 0) {
  fail('`cargo` was not found on PATH; install a Rust toolchain (rustup) to build the native addon.');
}

mkdirSync(outDir, { recursive: true });

const args = [
  napiCliPath(),
  'build',
  '--release',
  '--platform',
  '--cwd',
  crateDir,
  '--manifest-path',
  join(crateDir, 'Cargo.toml'),
  '--package-json-path',
  join(crateDir, 'package.json'),
  '--target-dir',
  targetDir,
  '--output-dir',
  outDir,
  '--js',
  'index.js',
  '--dts',
  'index.d.ts',
];
const build = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
if (build.error) fail(`could not start the napi CLI: ${build.error.message}`);
if (build.status !== 0) {
  fail(`napi build failed (exit ${build.status ?? `signal ${build.signal}`}); see the cargo output above.`);
}

const produced = readdirSync(outDir);
const missing = ['index.js', 'index.d.ts'].filter((f) => !produced.includes(f));
if (!produced.some((f) => f.endsWith('.node'))) missing.push('keel.<platform>.node');
if (missing.length > 0) {
  fail(`napi build reported success but ${relative(root, outDir)} lacks: ${missing.join(', ')}`);
}
console.log(`build-native: addon ready in ${relative(root, outDir)}/ (${produced.sort().join(', ')})`);

const daemon = spawnSync(
  'cargo',
  [
    'build',
    '--release',
    '--manifest-path',
    join(root, 'native', 'Cargo.toml'),
    '-p',
    'keel-rfsd',
    '-p',
    'keel-fence',
  ],
  { stdio: 'inherit', cwd: root },
);
if (daemon.status !== 0)
  fail(
    `cargo build of keel-rfsd and keel-fence failed (exit ${daemon.status ?? `signal ${daemon.signal}`}).`,
  );
for (const program of ['keel-rfsd', 'keel-fence'])
  console.log(`build-native: ${relative(root, join(targetDir, 'release', program))} ready`);
