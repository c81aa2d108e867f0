// Checks that a results file from tools/bench/run is well formed: every section that ran has
// its figures, as finite numbers, and no error. It checks shape only, never speed.
//   node tools/bench/check-results.mjs build/bench/results.json
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const results = JSON.parse(readFileSync(file, 'utf8'));
const problems = [];
const number = (where, x) => {
  if (typeof x !== 'number' || !Number.isFinite(x)) problems.push(`${where}: ${JSON.stringify(x)} is not a number`);
};

if (results.schema !== 'ossup-bench/1') problems.push(`schema: ${results.schema}`);
if (results.error) problems.push(`error: ${results.error}`);
number('machine.cores', results.machine?.cores);
const { hash, fake, client } = results.sections ?? {};
if (!hash && !fake && !client) problems.push('no section ran');

for (const run of hash?.runs ?? []) number(`hash parallel ${run.parallel}`, run.mb_per_s);

if (fake) {
  for (const server of fake.servers.filter(s => s.available)) {
    number(`fake.startup.${server.name}.startup_ms`, fake.startup[server.name]?.startup_ms);
    number(`fake.startup.${server.name}.idle_rss_mib`, fake.startup[server.name]?.idle_rss_mib);
    if (!fake.ingest.some(x => x.server === server.name)) problems.push(`fake.ingest: nothing for ${server.name}`);
    if (!fake.small.some(x => x.server === server.name)) problems.push(`fake.small: nothing for ${server.name}`);
  }
  // Our own server has a figure for everything; a peer may have a recorded failure instead.
  for (const x of [...fake.ingest, ...fake.small]) {
    const where = `fake ${x.server} ${x.kind ?? `ingest ${x.connections} conn`}`;
    if (x.server.startsWith('fake-oss') || !x.failure) number(where, x.mb_per_s ?? x.requests_per_s);
  }
  number('fake.startup_floor.startup_ms', fake.startup_floor?.startup_ms);
  number('fake.startup_floor.lifetime_cpu_ms', fake.startup_floor?.lifetime_cpu_ms);
  for (const [name, value] of Object.entries(fake.fake_oss_bench?.ingest_cpu_over_hash ?? {})) {
    number(`fake.fake_oss_bench.ingest_cpu_over_hash.${name}`, value);
  }
  for (const [peer, ratios] of Object.entries(fake.ratios)) {
    number(`fake.ratios.${peer}.startup_ms`, ratios.startup_ms);
    number(`fake.ratios.${peer}.ingest_1conn`, ratios.ingest_1conn);
  }
}

if (client) {
  for (const [name, value] of Object.entries(client.hashing_limit_mb_per_s)) number(`client.hashing_limit.${name}`, value);
  number('client.ossup.mb_per_s', client.ossup?.mb_per_s);
  number('client.ali_oss.mb_per_s', client.ali_oss?.mb_per_s);
  number('client.ratios.ossup_vs_hashing_limit', client.ratios?.ossup_vs_hashing_limit);
  number('client.ratios.ossup_vs_ali_oss', client.ratios?.ossup_vs_ali_oss);
  if (client.peak_rss?.max_rss_mib !== null) number('client.peak_rss.max_rss_mib', client.peak_rss?.max_rss_mib);
  if (!client.layouts?.shared) problems.push('client.layouts.shared: missing');
  for (const [name, layout] of Object.entries(client.layouts ?? {})) {
    for (const mode of ['crc64', 'md5+crc64', 'none']) {
      number(`client.layouts.${name}.ossup.${mode}.mb_per_s`, layout.ossup?.[mode]?.mb_per_s);
    }
    number(`client.layouts.${name}.md5_crc64_hash_cpu_seconds_per_gb`, layout.md5_crc64_hash_cpu_seconds_per_gb);
    number(`client.layouts.${name}.goals.crc64_mb_per_s_vs_ali_oss`, layout.goals?.crc64_mb_per_s_vs_ali_oss);
    number(`client.layouts.${name}.goals.md5_crc64_cpu_vs_hashing_plus_none`, layout.goals?.md5_crc64_cpu_vs_hashing_plus_none);
  }
}

if (problems.length) {
  console.error(`check-results: ${file} is not well formed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-results: ${file} is well formed (sections: ${Object.keys(results.sections).join(', ')})`);
