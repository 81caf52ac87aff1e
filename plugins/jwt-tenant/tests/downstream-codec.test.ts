// What Envoy's downstream codec does to request headers before jwt_authn and this filter run
// (envoyproxy/envoy header_map_impl.cc, http1/http2 codec_impl.cc), seen through the plugin.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FilterChain, fixedClock, type HttpRequest } from '../../../host/index.ts';
import { header, headerValues, load, pluginModule, ROOT } from '../../../tests/support/modules.ts';
import { NOW, signToken } from '../../../tests/support/tokens.ts';

const example = readFileSync(`${ROOT}/plugins/jwt-tenant/example.config.json`, 'utf8');
const chain = () =>
  new FilterChain([
    load(pluginModule('jwt-tenant'), {
      rootId: 'jwt-tenant',
      name: 'jwt-tenant',
      configuration: example,
      clock: fixedClock(NOW),
    }),
  ]);
const token = signToken('RS256', { tenant: 'acme', sub: 'alice', exp: NOW + 3600 });
const upstream = (request: HttpRequest) => {
  const outcome = chain().send(request);
  assert.equal(outcome.decision, 'continue');
  return outcome.upstream!.headers;
};

test('authorization sent as two fields, Basic then Bearer: Envoy joins them (inline header), and the plugin finds "Bearer " in the joined value as jwt_authn does', () => {
  const headers = upstream({
    headers: [
      ['authorization', 'Basic eDp5'],
      ['authorization', `Bearer ${token}`],
    ],
  });
  assert.deepEqual(headerValues(headers, 'x-tenant-id'), ['acme']);
  assert.deepEqual(headerValues(headers, 'x-user-id'), ['alice']);
});

test('HTTP/2 cookie crumbs: the access_token in a later crumb is found in the one cookie header Envoy rebuilds', () => {
  const headers = upstream({
    stream: { protocol: 'HTTP/2' },
    headers: [
      ['cookie', 'theme=dark'],
      ['cookie', `access_token=${token}`],
    ],
  });
  assert.deepEqual(headerValues(headers, 'x-tenant-id'), ['acme']);
});

test('x_tenant_id from a client: passes by default (a CGI-style backend reads it as x-tenant-id); DROP_HEADER keeps it from upstream', () => {
  const request: HttpRequest = {
    headers: [
      ['authorization', `Bearer ${token}`],
      ['x_tenant_id', 'globex'],
    ],
  };
  assert.equal(header(upstream(request), 'x_tenant_id'), 'globex');
  const dropped = upstream({ ...request, connectionManager: { headersWithUnderscoresAction: 'DROP_HEADER' } });
  assert.equal(header(dropped, 'x_tenant_id'), undefined);
  assert.deepEqual(headerValues(dropped, 'x-tenant-id'), ['acme']);
});
