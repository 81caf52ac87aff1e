// The headers Envoy's connection manager adds to a request before the filters, each unless the
// client sent it (host/connection-manager.ts).
export const CONNECTION_MANAGER_HEADERS = ['x-forwarded-proto', 'x-request-id'];

const sent = (headers: [string, string][], name: string) => headers.some(([n]) => n.toLowerCase() === name);

// How many headers the connection manager adds to a request with these client headers.
export function addedByConnectionManager(headers: [string, string][] = []): number {
  return CONNECTION_MANAGER_HEADERS.filter((name) => !sent(headers, name)).length;
}

// The headers without the connection manager's, for tests about what plugins write.
export function withoutConnectionManagerHeaders(headers: [string, string][]): [string, string][] {
  return headers.filter(([name]) => !CONNECTION_MANAGER_HEADERS.includes(name));
}
