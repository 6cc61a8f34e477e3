import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DailyBudgetSpent, FairGate, Limiter } from '../../src/client/limiter.js';
import { LocalSlotStore } from '../../src/client/local-store.js';

const never = new AbortController().signal;

describe('Limiter', () => {
  it('serves keys in turn under the concurrency cap: a busy location does not starve another', async () => {
    const limiter = new Limiter(new LocalSlotStore({ max: 1_000, intervalMs: 1_000, dailyMax: 1_000_000 }), 1);
    const order: string[] = [];
    const first = await limiter.acquire('location:busy', 'app', never);
    const take = (key: string, name: string) =>
      limiter.acquire(key, 'app', never).then((lease) => {
        order.push(name);
        setImmediate(() => lease.finish());
      });
    const all = [...Array.from({ length: 5 }, (_, index) => take('location:busy', `busy${index}`)), take('location:quiet', 'quiet')];
    await new Promise((resolve) => setTimeout(resolve, 20));
    first.finish();
    await Promise.all(all);
    expect(order).toEqual(['busy0', 'quiet', 'busy1', 'busy2', 'busy3', 'busy4']);
  });

  it('drops an aborted call from the queue without using its place', async () => {
    const store = new LocalSlotStore({ max: 1, intervalMs: 200, dailyMax: 3 });
    const limiter = new Limiter(store, 4);
    const first = await limiter.acquire('k', 'app', never);
    first.finish();
    const controller = new AbortController();
    const dropped = limiter.acquire('k', 'app', controller.signal);
    controller.abort(new Error('cancelled by the client'));
    await expect(dropped).rejects.toThrow('cancelled by the client');
    // Two more fit in the daily budget of 3: the dropped call took none of it.
    const second = await limiter.acquire('k', 'app', never);
    second.finish();
    const third = await limiter.acquire('k', 'app', never);
    third.finish();
    await expect(limiter.acquire('k', 'app', never)).rejects.toBeInstanceOf(DailyBudgetSpent);
  });
});

describe('windows for many resources', () => {
  it('stays bounded when callers name ever new location IDs: idle windows are forgotten, busy ones kept', async () => {
    let now = 1_000_000;
    const store = new LocalSlotStore({ max: 100, intervalMs: 1_000 }, { now: () => now, maxKeys: 100 });
    const limiter = new Limiter(store, 100);
    let most = 0;
    for (let batch = 0; batch < 200; batch += 1) {
      const leases = await Promise.all(Array.from({ length: 50 }, () => limiter.acquire(`location:${randomUUID()}`, 'app', never)));
      for (const lease of leases) lease.finish();
      most = Math.max(most, store.size);
      // Each batch's requests stop counting one interval after they finished.
      now += 1_001;
    }
    // 10,000 locations named; at most the bound plus the windows still counting (two batches) are held.
    expect(most).toBeLessThanOrEqual(200);
    const busy = 'location:busy';
    const held = await limiter.acquire(busy, 'app', never);
    for (let index = 0; index < 300; index += 1) await store.acquire(`location:${randomUUID()}`, 'app');
    now += 5_000;
    for (let index = 0; index < 300; index += 1) await store.acquire(`location:${randomUUID()}`, 'app');
    // A window with a request in flight is never forgotten: its count survives the sweeps.
    expect(store.existing(busy)).toBeDefined();
    held.finish();
    await store.close();
  });
});

describe('FairGate', () => {
  it('admits waiting keys round-robin', async () => {
    const gate = new FairGate(1);
    await gate.enter('a', never);
    const admitted: string[] = [];
    const enter = (key: string) => gate.enter(key, never).then(() => admitted.push(key));
    const all = [enter('a'), enter('a'), enter('a'), enter('b'), enter('c')];
    for (let index = 0; index < all.length; index += 1) {
      gate.leave();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(all);
    expect(admitted).toEqual(['a', 'b', 'c', 'a', 'a']);
  });

  it("gives an aborted waiter's place to nobody: the next caller enters at once when the holder leaves", async () => {
    const gate = new FairGate(1);
    await gate.enter('a', never);
    const controller = new AbortController();
    const aborted = gate.enter('b', controller.signal);
    controller.abort(new Error('cancelled by the client'));
    await expect(aborted).rejects.toThrow('cancelled by the client');
    gate.leave();
    // Still queued, the aborted waiter would take the free place for ever and this enter would never resolve.
    const admitted = await Promise.race([gate.enter('c', never).then(() => 'admitted'), new Promise((resolve) => setImmediate(() => resolve('still waiting')))]);
    expect(admitted).toBe('admitted');
  });
});
