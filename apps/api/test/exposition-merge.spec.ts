import { mergeExpositions } from '../src/metrics/exposition-merge';

// Several services' Prometheus texts as one exposition: one HELP and TYPE per family, its series together.
const admin = `# HELP process_cpu_seconds_total CPU.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total{service="admin"} 1
# HELP lat Latency.
# TYPE lat histogram
lat_bucket{le="1",service="admin"} 1
lat_bucket{le="+Inf",service="admin"} 2
lat_sum{service="admin"} 3
lat_count{service="admin"} 2
`;
const api = `# HELP process_cpu_seconds_total CPU.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total{service="api"} 2
# HELP keel_api_x X.
# TYPE keel_api_x gauge
keel_api_x{service="api"} 5
`;

it('groups a family several services export under one HELP and TYPE', () => {
  const sut = mergeExpositions([admin, api]);
  expect(sut.conflicts).toEqual([]);
  expect(sut.text).toBe(`# HELP process_cpu_seconds_total CPU.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total{service="admin"} 1
process_cpu_seconds_total{service="api"} 2
# HELP lat Latency.
# TYPE lat histogram
lat_bucket{le="1",service="admin"} 1
lat_bucket{le="+Inf",service="admin"} 2
lat_sum{service="admin"} 3
lat_count{service="admin"} 2
# HELP keel_api_x X.
# TYPE keel_api_x gauge
keel_api_x{service="api"} 5
`);
});

it('leaves out a family whose type differs from the one seen first, and names it', () => {
  const other = '# TYPE keel_api_x counter\nkeel_api_x{service="vip"} 1\n';
  const sut = mergeExpositions([api, other]);
  expect(sut.conflicts).toEqual(['keel_api_x']);
  expect(sut.text).not.toContain('service="vip"');
});

it('gives nothing for no text', () => {
  expect(mergeExpositions([]).text).toBe('');
});
