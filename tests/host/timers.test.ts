// proxy_set_tick_period_milliseconds and on_tick, driven by the settable clock (cpp-host
// ContextBase::onTick; Envoy's per-root-context timer fires once per period).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, fixedClock } from '../../host/index.ts';
import { load, testModule } from '../support/modules.ts';

const ticks = (outcome: { logs: { message: string }[] }) => outcome.logs.filter((r) => r.message === 'on_tick').length;

test('on_tick runs once for each period the clock passed before a request, and not before', () => {
  const clock = fixedClock(1_700_000_000);
  const chain = new FilterChain([load(testModule('callout-probe'), { rootId: 'tick', configuration: 'tick', clock })]);
  assert.equal(ticks(chain.send({})), 0);
  assert.equal(ticks(chain.send({ advanceMilliseconds: 999 })), 0);
  assert.equal(ticks(chain.send({ advanceMilliseconds: 1 })), 1);
  assert.equal(ticks(chain.send({ advanceMilliseconds: 2500 })), 2);
  clock.advance(0.5);
  assert.equal(ticks(chain.send({})), 1);
});

test('a plugin that sets no period gets no on_tick however far the clock moves', () => {
  const clock = fixedClock(1_700_000_000);
  const plugin = load(testModule('callout-probe'), { rootId: 'tick', configuration: 'shared', clock });
  const chain = new FilterChain([plugin]);
  assert.equal(ticks(chain.send({ advanceMilliseconds: 10_000 })), 0);
});
