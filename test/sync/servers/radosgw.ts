/**
 * A real S3 server for the tests: Ceph's RADOS gateway from Debian's packages (radosgw,
 * ceph-mon, ceph-osd; scripts/setup.sh installs them), with one monitor and one in-memory OSD
 * (memstore), cephx off, everything under one temp directory and on random 127.0.0.1 ports.
 * RGW checks AWS signatures (a wrong secret gets 403) and honours If-None-Match on PUT. Its
 * list pages hold at most 100 keys, so paging is exercised without thousands of objects.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, logTail, spawnDaemon, stopDaemon, waitFor } from './processes';

const run = promisify(execFile);

/** Keys per list page this server returns at most. */
export const S3_SERVER_PAGE = 100;

export interface S3Server {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** How long the start took (ms), for the record. */
  startMs: number;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

/**
 * Starts the server. A start that fails on a busy machine (a daemon exiting during boot) is
 * retried once in a new directory on new ports; the first failure's log tail goes to stderr.
 */
export async function startS3Server(): Promise<S3Server> {
  try {
    return await startOnce();
  } catch (e) {
    console.warn(`${(e as Error).message}\n(trying once more)`);
    return await startOnce();
  }
}

async function startOnce(): Promise<S3Server> {
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'cubby-rgw-'));
  for (const sub of ['run', 'log', 'mon', 'osd/ceph-0', 'rgw']) mkdirSync(join(dir, sub), { recursive: true });
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const fsid = randomUUID();
  const conf = join(dir, 'ceph.conf');
  writeFileSync(
    conf,
    `[global]
fsid = ${fsid}
mon host = v1:127.0.0.1:${monPort}
public addr = 127.0.0.1
ms bind msgr2 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
keyring = ${dir}/keyring
mon data = ${dir}/mon/$cluster-$id
osd data = ${dir}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = 1073741824
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 1
osd pool default pgp num = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
# The OSD would place itself in the CRUSH map at boot, by commands it can send before it knows
# the cluster's fsid ("wrong fsid", then it exits); the test places it beforehand instead.
osd crush update on start = false
osd class update on start = false
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
# Each pool RGW makes at start is one map change, proposed at most once a second by default:
# proposing at once brings the start from about 14 s to about 2 s.
paxos propose interval = 0.01
paxos min wait = 0.01

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
rgw dns name = localhost
# A page holds at most 100 keys (S3's is 1000): clients must follow pages with a few hundred objects.
rgw max listing results = 100
`,
  );
  const out = { mon: join(dir, 'log', 'mon.out'), osd: join(dir, 'log', 'osd.out'), rgw: join(dir, 'log', 'rgw.out') };
  const logs = [...Object.values(out), ...['mon.a.log', 'osd.0.log', 'client.rgw.log'].map((f) => join(dir, 'log', f))];
  const daemons: ReturnType<typeof spawnDaemon>[] = [];
  const stop = async () => {
    // SIGKILL at once: the data is in memory and the directory goes anyway (a memstore OSD
    // asked to stop politely first writes everything it holds to disk).
    for (const d of daemons.reverse()) await stopDaemon(d, 0);
    rmSync(dir, { recursive: true, force: true });
  };
  const ceph = (args: string[]) => run('ceph', ['-c', conf, '--connect-timeout', '5', ...args], { timeout: 15_000 });
  try {
    await run('monmaptool', ['--create', '--addv', 'a', `v1:127.0.0.1:${monPort}`, '--fsid', fsid, join(dir, 'monmap')]);
    await run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap')]);
    daemons.push(spawnDaemon('ceph-mon', ['-c', conf, '-i', 'a', '-f'], out.mon, dir));

    const osdUuid = randomUUID();
    let osdId = '';
    await waitFor(
      'ceph-mon',
      async () => {
        osdId = (await ceph(['osd', 'new', osdUuid])).stdout.trim();
        return osdId === '0';
      },
      60_000,
      daemons,
      logs,
    );
    await ceph(['osd', 'crush', 'add', 'osd.0', '1.0', 'root=default']);
    await run('ceph-osd', ['-c', conf, '-i', '0', '--mkfs', '--osd-uuid', osdUuid]);
    daemons.push(spawnDaemon('ceph-osd', ['-c', conf, '-i', '0', '-f'], out.osd, dir));
    daemons.push(spawnDaemon('radosgw', ['-c', conf, '-n', 'client.rgw', '-f'], out.rgw, dir));

    const endpoint = `http://127.0.0.1:${rgwPort}`;
    // RGW listens once it has made its pools, which needs the OSD up: one probe covers both.
    await waitFor('radosgw', async () => (await fetch(endpoint, { signal: AbortSignal.timeout(2000) })).status > 0, 120_000, daemons, logs);

    const accessKeyId = `CUBBY${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(24).toString('base64url');
    await run('radosgw-admin', ['-c', conf, 'user', 'create', '--uid=cubby', '--display-name=cubby', `--access-key=${accessKeyId}`, `--secret-key=${secretAccessKey}`], {
      timeout: 30_000,
    });
    const bucket = `cubby-${randomBytes(4).toString('hex')}`;
    const client = new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
    // A fresh user can take a moment to be visible to the gateway's cache.
    await waitFor(
      'bucket',
      async () => {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        return true;
      },
      20_000,
      daemons,
      logs,
    );
    client.destroy();
    return { endpoint, region: REGION, bucket, accessKeyId, secretAccessKey, startMs: Date.now() - began, stop };
  } catch (e) {
    const tail = logTail(logs);
    await stop();
    throw new Error(`The test S3 server (Ceph radosgw) did not start: ${(e as Error).message}\n${tail}`);
  }
}
