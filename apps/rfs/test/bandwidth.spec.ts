import { BandwidthMeter, NO_BANDWIDTH } from '../src/core/bandwidth';

// rfs.rep_bandwidth / rfs.rei_bandwidth: KB/s averaged over the last 3 s, from cumulative counts
// the daemon reports only when they changed.
test('the averages cover the last 3 s and fall to 0 three seconds after the last byte', () => {
  const sut = new BandwidthMeter(0);
  expect(sut.read(0)).toEqual({ ...NO_BANDWIDTH, repKBps: 0, reiKBps: 0 });

  // 3 MiB replicated and 6 MiB reintegrated in the first 3 s: 1024 and 2048 KB/s.
  sut.observe(1000, 1 << 20, 2 << 20);
  sut.observe(2000, 2 << 20, 4 << 20);
  sut.observe(3000, 3 << 20, 6 << 20);
  expect(sut.read(3000)).toEqual({ ...NO_BANDWIDTH, repKBps: 1024, reiKBps: 2048 });

  // Nothing more is reported (nothing changed): the window slides over the last bytes.
  expect(sut.read(4000)).toEqual({ ...NO_BANDWIDTH, repKBps: 683, reiKBps: 1365 });
  expect(sut.read(5000)).toEqual({ ...NO_BANDWIDTH, repKBps: 341, reiKBps: 683 });
  expect(sut.read(6000)).toEqual({ ...NO_BANDWIDTH, repKBps: 0, reiKBps: 0 });

  // Writes again: only the new bytes count.
  sut.observe(7000, (3 << 20) + 3 * 1024 * 10, 6 << 20);
  expect(sut.read(7000)).toEqual({ ...NO_BANDWIDTH, repKBps: 10, reiKBps: 0 });
});

test('a report older than the window is dropped once a newer one holds the base', () => {
  const sut = new BandwidthMeter(0);
  sut.observe(500, 3072, 0);
  sut.observe(10_000, 3072 + 3 * 1024 * 100, 0);
  expect(sut.read(10_000)).toEqual({ ...NO_BANDWIDTH, repKBps: 100, reiKBps: 0 });
  expect(sut.read(13_000)).toEqual({ ...NO_BANDWIDTH, repKBps: 0, reiKBps: 0 });
});

// rfs.netout_bandwidth / rfs.netin_bandwidth: the link's frames, from the `net` reports, apart
// from the stats' counts.
test('the link bytes of the net reports average the same way, beside the stats counts', () => {
  const sut = new BandwidthMeter(0);
  sut.observeNet(1000, 3 * 1024 * 40, 3 * 1024 * 2);
  sut.observe(1500, 3 * 1024 * 30, 0);
  expect(sut.read(1500)).toEqual({ repKBps: 30, reiKBps: 0, netoutKBps: 40, netinKBps: 2 });
  expect(sut.read(4500)).toEqual(NO_BANDWIDTH);
});
