import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../../test/helpers/store.js';
import { createJobs, type Jobs } from './boss.js';

describe('pg-boss on this store', () => {
  let deps: TestDeps;
  let jobs: Jobs;
  const seen: unknown[] = [];
  let done!: () => void;
  const twoJobs = new Promise<void>((r) => (done = r));

  beforeAll(async () => {
    deps = await createTestDeps();
    jobs = createJobs(deps.store, deps.log, [
      {
        name: 'test.echo',
        handler: async (data) => {
          seen.push(data);
          if (seen.length === 2) done();
        },
      },
    ]);
    await jobs.start({ work: true });
  });
  afterAll(async () => {
    await jobs.stop();
    await deps.dispose();
  });

  it('sends and works jobs, once each', async () => {
    await jobs.send('test.echo', { n: 1 });
    await jobs.send('test.echo', { n: 2 });
    await twoJobs;
    expect(seen).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    expect(seen).toHaveLength(2);
  });

  it('throttles a singleton nudge to one job per slot', async () => {
    const a = await jobs.send('test.echo', { n: 3 }, { singletonKey: 'nudge', singletonSeconds: 60 });
    const b = await jobs.send('test.echo', { n: 4 }, { singletonKey: 'nudge', singletonSeconds: 60 });
    expect(a).toBeTruthy();
    expect(b).toBeNull();
  });
});
