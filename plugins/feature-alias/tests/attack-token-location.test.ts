// feature-alias decodes claims from a token it does not verify, trusting the verifier in front of
// it (jwt_authn, or Istio's RequestAuthentication with allow_missing). Envoy's extractor finds the
// value_prefix "Bearer " with a case-sensitive search (extractor.cc: value_str.find(prefix)), so
// "authorization: bearer <token>" is no token to jwt_authn and passes unverified: the filter must
// not read a focus group out of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FilterChain } from '../../../host/index.ts';
import { header, load, pluginModule, ROOT } from '../../../tests/support/modules.ts';

const b64url = (text: string) => Buffer.from(text).toString('base64url');
// alg none, claiming the focus group the example routes to version 2.
const forged = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify({ groups: ['focus-group-a'] }))}.`;

const chain = () =>
  new FilterChain([
    load(pluginModule('feature-alias'), {
      rootId: 'feature-alias',
      configuration: readFileSync(`${ROOT}/plugins/feature-alias/example.config.json`, 'utf8'),
    }),
  ]);
const versionFor = (authorization: string) =>
  header(chain().send({ headers: [['authorization', authorization]] }).upstream!.headers, 'x-version');

test('control: a token after "Bearer ", where jwt_authn reads it, puts focus group A on version 2', () => {
  assert.equal(versionFor(`Bearer ${forged}`), '2');
});

for (const scheme of ['bearer', 'BEARER']) {
  test(`"authorization: ${scheme} <token>" is no token to jwt_authn: the baseline (version 1), not focus group A`, () => {
    assert.equal(versionFor(`${scheme} ${forged}`), '1');
  });
}
