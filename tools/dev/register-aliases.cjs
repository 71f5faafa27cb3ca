// Resolves the @keel/* path aliases of tsconfig.base.json to the compiled files under dist/, so the
// compiled services and the CLI run with plain `node` (tsc does not rewrite aliases).
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');

const dist = path.join(__dirname, '../../dist');
if (!fs.existsSync(path.join(dist, 'libs'))) {
  process.stderr.write(`keel: ${dist} is missing; build first with: npm run build\n`);
  process.exit(70);
}
const original = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  const m = /^@keel\/([a-z-]+)(\/[a-z-]+)?$/.exec(request);
  if (m) request = path.join(dist, 'libs', m[1], 'src', m[2] ? m[2].slice(1) : '', 'index.js');
  return original.call(this, request, ...rest);
};
