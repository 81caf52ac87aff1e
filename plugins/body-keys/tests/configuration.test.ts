// A bad body-keys configuration is refused at configure, naming the field, and the JSON Schema
// (`route-keys validate`) gives the same verdict wherever JSON Schema can say it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validationErrors } from '../../../cli/validate.ts';
import { ConfigurationRejectedError } from '../../../host/index.ts';
import { load, pluginModule } from '../../../tests/support/modules.ts';

const key = (extra: object = {}) => ({ header: 'x-k', sources: [{ cookie: 'c' }], ...extra });
const withKeys = (...keys: object[]) => JSON.stringify({ keys });
const withInspect = (inspect: object) => JSON.stringify({ keys: [key()], inspect });
const pointers = (count: number) => Array.from({ length: count }, (_, i) => ({ json: `/p${i}` }));

// What JSON Schema cannot express, so only configure refuses it.
const SCHEMA_CANNOT = {
  acrossFields: 'uniqueness across keys[].header and keys[].derived.header',
  acrossKeys: 'a count over the sources of all keys',
  numbers: 'an order between two numbers or characters inside a string',
};

const rejected: [string, string, RegExp, string?][] = [
  ['no keys', '{}', /^\/keys: expected at least one key/],
  ['a key without a header', '{"keys":[{"sources":[{"cookie":"c"}]}]}', /^\/keys\/0\/header: expected the header/],
  [
    'a source of two kinds',
    '{"keys":[{"header":"x-k","sources":[{"cookie":"c","json":"/a"}]}]}',
    /^\/keys\/0\/sources\/0: expected one of/,
  ],
  [
    'an unknown source kind',
    '{"keys":[{"header":"x-k","sources":[{"xml":"/a"}]}]}',
    /^\/keys\/0\/sources\/0\/xml: expected one of header, cookie, query, json, form$/,
  ],
  [
    'a bad JSON Pointer',
    '{"keys":[{"header":"x-k","sources":[{"json":"cart.id"}]}]}',
    /^\/keys\/0\/sources\/0\/json: expected a JSON Pointer/,
  ],
  [
    'a pattern too long',
    '{"keys":[{"header":"x-k","sources":[{"cookie":"c"}],"pattern":"^[a-z]{1,5000}$"}]}',
    /^\/keys\/0\/pattern: expected a maximum length of at most 1024$/,
  ],
  [
    'an unsupported content type',
    '{"keys":[{"header":"x-k","sources":[{"cookie":"c"}]}],"inspect":{"content_types":["text/xml"]}}',
    /^\/inspect\/content_types\/0: expected a JSON type/,
  ],
  [
    'a zero limit',
    '{"keys":[{"header":"x-k","sources":[{"cookie":"c"}]}],"max_body_bytes":0}',
    /^\/max_body_bytes: expected an integer from 1 to 8388608$/,
  ],
  // Output headers: the shared deny list, and one writer per header.
  [
    'the output header host',
    withKeys(key({ header: 'host' })),
    /^\/keys\/0\/header: expected a header a filter may write: "host" is a header Envoy or the verifier owns$/,
  ],
  [
    'the output header authorization',
    withKeys(key({ header: 'authorization' })),
    /^\/keys\/0\/header: expected a header a filter may write: "authorization"/,
  ],
  [
    'a derived content-length',
    withKeys(key({ derived: { header: 'content-length' } })),
    /^\/keys\/0\/derived\/header: expected a header a filter may write: "content-length"/,
  ],
  [
    'a proxy-* output header',
    withKeys(key({ header: 'proxy-status' })),
    /^\/keys\/0\/header: expected a header a filter may write: "proxy-status" is a proxy-\* header$/,
  ],
  [
    'an output header with a token character other than - _ .',
    withKeys(key({ header: 'x+cart' })),
    /^\/keys\/0\/header: expected a header a filter may write: "x\+cart" has a character/,
  ],
  [
    'two keys writing one header',
    withKeys(key(), key({ sources: [{ query: 'k' }] })),
    /^\/keys\/1\/header: expected a header no other key writes: "x-k" is written by \/keys\/0\/header$/,
    SCHEMA_CANNOT.acrossFields,
  ],
  [
    'a derived header equal to its key header',
    withKeys(key({ derived: { header: 'x-k' } })),
    /^\/keys\/0\/derived\/header: expected a header no other key writes: "x-k" is written by \/keys\/0\/header$/,
    SCHEMA_CANNOT.acrossFields,
  ],
  [
    'a key header equal to another derived header',
    withKeys(key({ derived: { header: 'x-dc' } }), { header: 'x-dc', sources: [{ cookie: 'd' }] }),
    /^\/keys\/1\/header: expected a header no other key writes: "x-dc" is written by \/keys\/0\/derived\/header$/,
    SCHEMA_CANNOT.acrossFields,
  ],
  [
    'a derived part without its header',
    withKeys(key({ derived: { until: '-' } })),
    /^\/keys\/0\/derived\/header: expected the header the derived part is written to$/,
  ],
  [
    'a derived until outside printable ASCII',
    withKeys(key({ derived: { header: 'x-dc', until: 'é' } })),
    /^\/keys\/0\/derived\/until: expected one visible ASCII character or space$/,
  ],
  [
    'a derived until that is a control character',
    withKeys(key({ derived: { header: 'x-dc', until: '\n' } })),
    /^\/keys\/0\/derived\/until: expected one visible ASCII character or space$/,
  ],
  // Methods as Envoy sends them; prefixes a :path can start with; media types without parameters.
  [
    'a lower-case method',
    withInspect({ methods: ['post'] }),
    /^\/inspect\/methods\/0: expected an HTTP method in upper case, as Envoy sends it \(such as "POST"\), got "post"$/,
  ],
  [
    'a path prefix without /',
    withInspect({ path_prefixes: ['cart'] }),
    /^\/inspect\/path_prefixes\/0: expected a path prefix starting with \/, got "cart"$/,
  ],
  [
    'a content type with parameters',
    withInspect({ content_types: ['application/json; charset=utf-8'] }),
    /^\/inspect\/content_types\/0: expected a media type without parameters/,
  ],
  [
    'a content type that is not type/subtype',
    withInspect({ content_types: ['json'] }),
    /^\/inspect\/content_types\/0: expected a JSON type/,
  ],
  [
    'a gRPC type: its body is length-prefixed frames',
    withInspect({ content_types: ['Application/gRPC+json'] }),
    /^\/inspect\/content_types\/0: expected a type whose body is a document; a gRPC body is length-prefixed frames, got "Application\/gRPC\+json"$/,
  ],
  [
    'a content type with a wildcard other than application/*+json',
    withInspect({ content_types: ['*/json'] }),
    /^\/inspect\/content_types\/0: expected a JSON type/,
  ],
  [
    '33 content types',
    withInspect({ content_types: Array.from({ length: 33 }, () => 'application/json') }),
    /^\/inspect\/content_types: expected at most 32 items$/,
  ],
  // Patterns: bounded, never empty, of the supported form.
  ['a pattern .*', withKeys(key({ pattern: '.*' })), /^\/keys\/0\/pattern: expected a pattern of the form/],
  [
    'a pattern allowing an empty value',
    withKeys(key({ pattern: '^[a-z]{0,5}$' })),
    /^\/keys\/0\/pattern: expected a minimum length of at least 1 \(an empty value is never written\)/,
  ],
  [
    'a pattern with *',
    withKeys(key({ pattern: '^[a-z]*$' })),
    /^\/keys\/0\/pattern: expected a length range \{min,max\} with max at most 1024: \+ and \* set no maximum/,
  ],
  [
    'a pattern with +',
    withKeys(key({ pattern: '^[a-z]+$' })),
    /^\/keys\/0\/pattern: expected a length range \{min,max\}/,
  ],
  ['a non-ASCII pattern', withKeys(key({ pattern: '^[a-zé]{1,5}$' })), /^\/keys\/0\/pattern: a pattern is ASCII only/],
  [
    'a pattern longer than 1024 characters',
    withKeys(key({ pattern: `^[${'a'.repeat(1100)}]{1,5}$` })),
    /^\/keys\/0\/pattern: expected a pattern of at most 1024 characters$/,
  ],
  [
    'a pattern with min above max',
    withKeys(key({ pattern: '^[a-z]{5,2}$' })),
    /^\/keys\/0\/pattern: the maximum length is below the minimum/,
    SCHEMA_CANNOT.numbers,
  ],
  [
    'a pattern with a reversed range',
    withKeys(key({ pattern: '^[z-a]{1,5}$' })),
    /^\/keys\/0\/pattern: the range z-a is out of order/,
    SCHEMA_CANNOT.numbers,
  ],
  // Sources.
  [
    'a header source that is no header name',
    withKeys(key({ sources: [{ header: 'x cart' }] })),
    /^\/keys\/0\/sources\/0\/header: expected a header name, got "x cart"$/,
  ],
  [
    // Unicode case mapping lowers the Kelvin sign to "k": this once became the header x-key.
    'a header source with a character that only Unicode lowers to an ASCII letter',
    withKeys(key({ sources: [{ header: 'X-\u212Aey' }] })),
    /^\/keys\/0\/sources\/0\/header: expected a header name, got "X-\u212Aey"$/,
  ],
  [
    '33 JSON Pointers over all keys',
    withKeys(...[0, 1, 2, 3, 4].map((i) => ({ header: `x-k${i}`, sources: pointers(8) }))),
    /^\/keys\/4\/sources\/0\/json: expected at most 32 JSON Pointers over all keys$/,
    SCHEMA_CANNOT.acrossKeys,
  ],
  // on_*: the action is what the object is for.
  [
    'on_missing with a status and no action',
    JSON.stringify({ keys: [key()], on_missing: { status: 422 } }),
    /^\/on_missing\/action: expected forward or reject$/,
  ],
];

function configureError(configuration: string): string | null {
  try {
    load(pluginModule('body-keys'), { rootId: 'body-keys', configuration });
    return null;
  } catch (e) {
    assert.ok(e instanceof ConfigurationRejectedError);
    return (e.logs.find((l) => l.level === 'error')?.message ?? '').replace(/^body-keys: invalid configuration: /, '');
  }
}

for (const [name, configuration, message, schemaCannot] of rejected) {
  test(`rejected at configure: ${name}`, () => {
    const error = configureError(configuration);
    assert.notEqual(error, null, 'accepted at configure');
    assert.match(error!, message);
    const schemaErrors = validationErrors('body-keys', JSON.parse(configuration));
    if (schemaCannot === undefined) assert.notDeepEqual(schemaErrors, [], 'the schema accepts it');
    else
      assert.deepEqual(
        schemaErrors,
        [],
        `the schema now refuses what it was listed as unable to say (${schemaCannot}): drop the note`,
      );
  });
}

const accepted: [string, string][] = [
  [
    'content types in any case, and the structured-suffix form',
    withInspect({
      content_types: [
        'Application/JSON',
        'application/*+json',
        'Application/X-WWW-Form-Urlencoded',
        'application/vnd.shop.cart+json',
      ],
    }),
  ],
  ['extension methods in upper case', withInspect({ methods: ['POST', 'M-SEARCH', 'PROPFIND'] })],
  [
    'a one-character pattern, an exact length, escapes before punctuation',
    withKeys(key({ pattern: '^[a-z]$' }), { header: 'x-b', sources: [{ cookie: 'b' }], pattern: '^[a-z\\]\\-]{8}$' }),
  ],
  ['the longest pattern', withKeys(key({ pattern: '^[0-9]{1,1024}$' }))],
  ['a header source that is an output header, in capitals', withKeys(key({ sources: [{ header: 'X-K' }] }))],
  ['a pseudo-header source', withKeys(key({ sources: [{ header: ':authority' }] }))],
  [
    '32 JSON Pointers over all keys',
    withKeys(...[0, 1, 2, 3].map((i) => ({ header: `x-k${i}`, sources: pointers(8) }))),
  ],
  ['a derived until that is a space', withKeys(key({ derived: { header: 'x-dc', until: ' ' } }))],
];

for (const [name, configuration] of accepted) {
  test(`accepted at configure and by the schema: ${name}`, () => {
    assert.equal(configureError(configuration), null);
    assert.deepEqual(validationErrors('body-keys', JSON.parse(configuration)), []);
  });
}
