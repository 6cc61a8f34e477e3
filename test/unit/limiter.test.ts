import { describe, expect, it } from 'vitest';
import { DailyBudgetSpent, FairGate, Limiter } from '../../src/client/limiter.js';
import { LocalSlotStore } from '../../src/client/local-store.js';

const never = new AbortController().signal;

describe('Limiter', () => {
  it('serves keys in turn under the concurrency cap: a busy location does not starve another', async () => {
    const limiter = new Limiter(new LocalSlotStore({ max: 1_000, intervalMs: 1_000, dailyMax: 1_000_000 }), 1);
    const order: string[] = [];
    const first = await limiter.acquire('location:busy', never);
    const take = (key: string, name: string) =>
      limiter.acquire(key, never).then((lease) => {
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
    const first = await limiter.acquire('k', never);
    first.finish();
    const controller = new AbortController();
    const dropped = limiter.acquire('k', controller.signal);
    controller.abort(new Error('cancelled by the client'));
    await expect(dropped).rejects.toThrow('cancelled by the client');
    // Two more fit in the daily budget of 3: the dropped call took none of it.
    const second = await limiter.acquire('k', never);
    second.finish();
    const third = await limiter.acquire('k', never);
    third.finish();
    await expect(limiter.acquire('k', never)).rejects.toBeInstanceOf(DailyBudgetSpent);
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
});
