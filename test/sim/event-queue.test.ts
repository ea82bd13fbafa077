import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/sim/event-queue.js';
import { Prng } from '../../src/sim/prng.js';

describe('EventQueue', () => {
  it('pops by time, ties in insertion order', () => {
    const q = new EventQueue<string>();
    q.push(5, 'a');
    q.push(1, 'b');
    q.push(5, 'c');
    q.push(3, 'd');
    q.push(1, 'e');
    const out: string[] = [];
    for (let v = q.pop(); v !== undefined; v = q.pop()) out.push(v);
    expect(out).toEqual(['b', 'e', 'd', 'a', 'c']);
  });

  it('events pushed for "now" run after older events due now, before later ones', () => {
    const q = new EventQueue<string>();
    q.push(2, 'x');
    q.push(2, 'y');
    q.push(3, 'z');
    expect(q.pop()).toBe('x');
    expect(q.time).toBe(2);
    q.push(2, 'now1'); // due now, pushed after y
    q.push(0, 'past'); // clamped to now
    expect([q.pop(), q.pop(), q.pop(), q.pop()]).toEqual(['y', 'now1', 'past', 'z']);
    expect(q.pop()).toBeUndefined();
  });

  it('matches a sort by (time, seq) on random schedules, including pushes while popping', () => {
    const rng = new Prng(99);
    for (let round = 0; round < 20; round++) {
      const q = new EventQueue<number>();
      const model: { t: number; seq: number }[] = [];
      let seq = 0;
      const push = (t: number): void => {
        const tt = Math.max(t, q.time);
        model.push({ t: tt, seq });
        q.push(t, seq++);
      };
      for (let i = 0; i < 50; i++) push(rng.int(20));
      const popped: number[] = [];
      while (q.size > 0) {
        model.sort((a, b) => a.t - b.t || a.seq - b.seq);
        const want = model.shift();
        const got = q.pop();
        expect(got).toBe(want?.seq);
        popped.push(got as number);
        if (rng.chance(0.3)) push(q.time + rng.int(3));
      }
      expect(model).toEqual([]);
    }
  });
});
