// The loader seam lets us prove the "addon not built" path without touching the filesystem:
// developers who skipped `npm run build:native` must get a named error telling them to run it.
import { NativeAddonMissingError } from '../src';
import { createAddonLoader, type RequireFn } from '../src/addon-loader';

const notFound: RequireFn = (specifier) => {
  throw Object.assign(new Error(`Cannot find module '${specifier}'`), { code: 'MODULE_NOT_FOUND' });
};

const fakeAddon = {
  BUCKET_COUNT: 256,
  allocateBuckets: () => [],
  bucketBitmap: () => '',
  vipAddresses: () => [],
  vipAddAddress: () => undefined,
  vipRemoveAddress: () => false,
  vipAnnounce: () => undefined,
  vipConflict: () => Promise.resolve(null),
  vipAnnounceAs: () => undefined,
  vipResponderStart: () => ({ stop: () => undefined, answered: () => 0 }),
  vipHoldUnicast: () => ({ release: () => undefined, kind: () => 'unicast' as const }),
};

describe('createAddonLoader', () => {
  it('throws NativeAddonMissingError naming the build command when the addon is absent', () => {
    const load = createAddonLoader(notFound, '../addon');
    let thrown: unknown;
    try {
      load();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(NativeAddonMissingError);
    const error = thrown as NativeAddonMissingError;
    expect(error.name).toBe('NativeAddonMissingError');
    expect(error.message).toContain('npm run build:native');
    expect(error.message).toContain("Cannot find module '../addon'");
    expect((error.cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
  });

  it('treats a build missing an expected export as stale', () => {
    const load = createAddonLoader(() => ({ allocateBuckets: () => [] }));
    expect(load).toThrow(NativeAddonMissingError);
    expect(load).toThrow(/missing bucketBitmap/);
  });

  it('treats a build from before the virtual IP functions as stale', () => {
    const { vipConflict: _, ...older } = fakeAddon;
    const load = createAddonLoader(() => older);
    expect(load).toThrow(/stale build, missing vipConflict;/);
  });

  it('finds the addon from the compiled service too (dist/libs/native/src), four levels below the tree', () => {
    const requireFn = jest.fn<unknown, [string]>((specifier) =>
      specifier === '../../../../libs/native/addon' ? fakeAddon : notFound(specifier),
    );
    expect(createAddonLoader(requireFn)()).toBe(fakeAddon);
    expect(requireFn.mock.calls.map((c) => c[0])).toEqual(['../addon', '../../../../libs/native/addon']);
  });

  it('loads nothing until first use, then loads once', () => {
    const requireFn = jest.fn<unknown, [string]>(() => fakeAddon);
    const load = createAddonLoader(requireFn);
    expect(requireFn).not.toHaveBeenCalled();
    expect(load()).toBe(fakeAddon);
    expect(load()).toBe(fakeAddon);
    expect(requireFn).toHaveBeenCalledTimes(1);
  });

  it('retries after a failure, so building the addon later in the same process works', () => {
    let built = false;
    const load = createAddonLoader((specifier) => (built ? fakeAddon : notFound(specifier)));
    expect(load).toThrow(NativeAddonMissingError);
    built = true;
    expect(load()).toBe(fakeAddon);
  });
});
