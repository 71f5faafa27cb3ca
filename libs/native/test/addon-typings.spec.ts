// The generated typings are the contract between the Rust binding and the hand-written facade
// (src/addon-loader.ts `NativeAddon`). A snapshot makes any change to them a reviewed change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const typingsPath = join(__dirname, '..', 'addon', 'index.d.ts');

describe('generated addon typings', () => {
  it('match the reviewed snapshot', () => {
    let text: string;
    try {
      text = readFileSync(typingsPath, 'utf8');
    } catch {
      throw new Error(`${typingsPath} not found; run \`npm run build:native\` first`);
    }
    expect(text).toMatchSnapshot();
  });
});
