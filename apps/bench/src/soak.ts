import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, startService } from './processes.js';

// A bounded soak: mixed traffic at a fixed rate against one Usher process while its memory and open file
// descriptors are sampled from /proc. Prints the samples and the growth trend; exits 1 on errors or growth.

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const seconds = Number(process.env['SOAK_SECONDS'] ?? 300);
const rate = Number(process.env['SOAK_RATE'] ?? 200);
const ADMIN = { id: 'soak-admin', secret: 'soak-admin-secret-0123456789' };
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Sample {
  atSeconds: number;
  rssMb: number;
  heapMb: number;
  fds: number;
}

function sample(pid: number, atSeconds: number): Sample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return {
    atSeconds,
    rssMb: kb('VmRSS') / 1024,
    heapMb: kb('RssAnon') / 1024,
    fds: fs.readdirSync(`/proc/${pid}/fd`).length,
  };
}

function soakUser(id: string) {
  return { ID: id, Username: id, FirstName: 'Soak', LastName: 'User', Email: `${id}@example.com`, Active: true };
}

/** Least-squares slope of y over x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'usher-soak-'));
  const port = await freePort();
  const usher = await startService([path.join(root, 'apps/server/dist/main.js')], '/healthz', port, {
    PORT: String(port),
    DATABASE_URL: path.join(work, 'soak.sqlite'),
    ADMIN_CLIENT_ID: ADMIN.id,
    ADMIN_CLIENT_SECRET: ADMIN.secret,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  });
  const pid = usher.process.pid;
  if (pid === undefined) throw new Error('no server pid');
  try {
    const tokenResponse = await fetch(`${usher.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: ADMIN.secret }),
    });
    const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    // Users need a buyer, and the PATCH below a first user, before the load starts.
    const setup = [
      ['/v1/buyers', { ID: 'soak-users', Name: 'Soak users' }],
      ['/v1/buyers/soak-users/users', soakUser('soak-user-first')],
    ] as const;
    for (const [setupPath, body] of setup) {
      const created = await fetch(`${usher.url}${setupPath}`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      });
      if (created.status !== 201) throw new Error(`soak setup ${setupPath}: ${created.status}`);
    }
    log(`Soak: ${seconds} s at ${rate} req/s of mixed traffic against ${usher.url} (pid ${pid})`);
    const samples: Sample[] = [sample(pid, 0)];
    const started = Date.now();
    const timer = setInterval(() => {
      const s = sample(pid, Math.round((Date.now() - started) / 1000));
      samples.push(s);
      log(`  t=${s.atSeconds}s rss=${s.rssMb.toFixed(1)} MB anon=${s.heapMb.toFixed(1)} MB fds=${s.fds}`);
    }, 10_000);
    let counter = 0;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      autocannon(
        {
          url: usher.url,
          connections: 8,
          overallRate: rate,
          duration: seconds,
          requests: [
            {
              method: 'POST',
              path: '/v1/buyers',
              headers: auth,
              setupRequest: (request) => ({
                ...request,
                body: JSON.stringify({ ID: `soak-${counter++}`, Name: 'Soak', xp: { n: counter } }),
              }),
            },
            { method: 'GET', path: '/v1/buyers?pageSize=20', headers: auth },
            {
              method: 'PATCH',
              path: '/v1/buyers/soak-0',
              headers: auth,
              body: JSON.stringify({ xp: { touched: true } }),
            },
            {
              method: 'POST',
              path: '/oauth/token',
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                grant_type: 'client_credentials',
                client_id: ADMIN.id,
                client_secret: ADMIN.secret,
              }).toString(),
            },
            { method: 'GET', path: '/healthz' },
            {
              method: 'POST',
              path: '/v1/buyers/soak-users/users',
              headers: auth,
              setupRequest: (request) => ({ ...request, body: JSON.stringify(soakUser(`soak-user-${counter++}`)) }),
            },
            {
              method: 'GET',
              path: '/v1/buyers/soak-users/users?pageSize=20&search=soak&sortBy=!DateCreated',
              headers: auth,
            },
            {
              method: 'PATCH',
              path: '/v1/buyers/soak-users/users/soak-user-first',
              headers: auth,
              body: JSON.stringify({ FirstName: 'Patched', xp: { touched: true } }),
            },
          ],
        },
        (error, finished) => (error ? reject(error) : resolve(finished)),
      );
    });
    clearInterval(timer);
    samples.push(sample(pid, seconds));
    const steady = samples.filter((s) => s.atSeconds >= Math.min(60, seconds / 3));
    const rssSlope = slope(steady.map((s) => [s.atSeconds / 60, s.rssMb] as const));
    const fdSlope = slope(steady.map((s) => [s.atSeconds / 60, s.fds] as const));
    const first = samples[0];
    const last = samples.at(-1);
    const failures = result.errors + result.timeouts + result.non2xx;
    log(
      `\nRequests: ${result.requests.total} (${(result.requests.total / seconds).toFixed(0)}/s), errors+timeouts+non-2xx: ${failures}`,
    );
    log(`Latency: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
    log(
      `RSS: ${first?.rssMb.toFixed(1)} → ${last?.rssMb.toFixed(1)} MB; trend after warm-up ${rssSlope.toFixed(2)} MB/min`,
    );
    log(`File descriptors: ${first?.fds} → ${last?.fds}; trend after warm-up ${fdSlope.toFixed(2)} per min`);
    const grows = rssSlope > 1 || fdSlope > 1;
    log(failures === 0 && !grows ? 'Soak passed: no errors, no growth trend.' : 'Soak FAILED.');
    process.exitCode = failures === 0 && !grows ? 0 : 1;
  } finally {
    await usher.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
