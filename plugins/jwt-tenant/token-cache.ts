// What jwt-tenant made of tokens it has seen: clients send the same token on every request until
// it expires, and decoding, validating and reading it again gives the same answer each time. Only
// the clock can change that answer, so exp and nbf are kept and checked again on every hit; the
// configuration is fixed for the life of the cache (a new configuration gets a new cache).
//
// Only tokens that produced a tenant are kept. A slot is chosen by a hash of a few samples of the
// token and answers only when the whole token is byte-for-byte the one stored: a collision costs
// a decode, never a wrong tenant.
import { copyBytes, sameBytes } from "../../assembly/codecs/bytes";

export class CachedTenant {
  // The token, in a buffer reused while the tokens stored in this slot fit.
  token: ArrayBuffer = new ArrayBuffer(0);
  tokenLength: i32 = -1;
  // NumericDates as read from the token; NO_DATE (-Infinity) when the token has no such claim.
  exp: f64 = -Infinity;
  nbf: f64 = -Infinity;
  tenant: ArrayBuffer = new ArrayBuffer(0);
  // One per claims_to_headers entry; null when that header is not written for this token.
  claimValues: Array<ArrayBuffer | null> = [];
}

export class TokenCache {
  private readonly slots: StaticArray<CachedTenant>;

  constructor(entries: i32, claimHeaders: i32) {
    this.slots = new StaticArray<CachedTenant>(entries);
    for (let i = 0; i < entries; i++) {
      const slot = new CachedTenant();
      slot.claimValues = new Array<ArrayBuffer | null>(claimHeaders);
      this.slots[i] = slot;
    }
  }

  // The entry for the token at [start, start + length), or null.
  find(start: usize, length: i32): CachedTenant | null {
    const slot = this.slotFor(start, length);
    if (slot.tokenLength != length || !sameBytes(start, changetype<usize>(slot.token), length)) return null;
    return slot;
  }

  // Stores the token with its tenant (replacing whatever held its slot); the caller then sets the
  // claim values it wrote.
  store(start: usize, length: i32, exp: f64, nbf: f64, tenantStart: usize, tenantLength: i32): CachedTenant {
    const slot = this.slotFor(start, length);
    if (slot.token.byteLength < length) slot.token = new ArrayBuffer(length);
    memory.copy(changetype<usize>(slot.token), start, <usize>length);
    slot.tokenLength = length;
    slot.exp = exp;
    slot.nbf = nbf;
    slot.tenant = copyBytes(tenantStart, tenantLength);
    for (let i = 0; i < slot.claimValues.length; i++) slot.claimValues[i] = null;
    return slot;
  }

  private slotFor(start: usize, length: i32): CachedTenant {
    return unchecked(this.slots[<i32>(tokenHash(start, length) % <u32>this.slots.length)]);
  }
}

// A signed token ends in its signature, which differs from token to token; the middle sample and
// the length keep unsigned test tokens apart as well.
function tokenHash(start: usize, length: i32): u32 {
  let h = mix(<u64>length);
  if (length >= 16) {
    h = mix(h ^ load<u64>(start + <usize>(length - 8)));
    h = mix(h ^ load<u64>(start + <usize>(length - 16)));
    h = mix(h ^ load<u64>(start + <usize>((length >> 1) - 8)));
  } else {
    for (let i = 0; i < length; i++) h = mix(h ^ (<u64>load<u8>(start + <usize>i)));
  }
  return <u32>(h >> 32);
}

// splitmix64's finalizer.
@inline function mix(x: u64): u64 {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}
