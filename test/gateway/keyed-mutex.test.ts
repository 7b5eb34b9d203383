import { expect } from 'chai';
import { KeyedMutex } from '../../gateway/src/domain/keyed-mutex';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('keyed mutex', function () {
  it('runs work for one key one at a time, in arrival order', async function () {
    const m = new KeyedMutex();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        m.run('k', async () => {
          running++;
          most = Math.max(most, running);
          log.push(`start ${i}`);
          await tick(Math.random() * 3);
          log.push(`end ${i}`);
          running--;
        }),
      ),
    );
    expect(most).to.equal(1);
    expect(log).to.deep.equal(Array.from({ length: 10 }, (_, i) => [`start ${i}`, `end ${i}`]).flat());
    expect(m.size).to.equal(0);
  });

  it('runs different keys concurrently', async function () {
    const m = new KeyedMutex();
    let running = 0;
    let most = 0;
    await Promise.all(
      ['a', 'b', 'c'].map((k) =>
        m.run(k, async () => {
          running++;
          most = Math.max(most, running);
          await tick(5);
          running--;
        }),
      ),
    );
    expect(most).to.equal(3);
  });

  it('passes results and errors through and keeps going after a failure', async function () {
    const m = new KeyedMutex();
    const failed = m.run('k', async () => {
      throw new Error('boom');
    });
    const next = m.run('k', async () => 42);
    let caught: unknown;
    await failed.catch((err: unknown) => (caught = err));
    expect((caught as Error).message).to.equal('boom');
    expect(await next).to.equal(42);
    expect(m.size).to.equal(0);
  });
});
