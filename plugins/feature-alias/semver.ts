// Semantic versions (semver.org 2.0.0) and ranges as node-semver (npm) and Cargo read them, for
// conditions such as {"header": "x-app-version", "semver": {">=": "2.3.0", "<": "3.0.0"}}.
// A leading "v" is accepted (node-semver does too); anything else that is not a version is none.

export class SemVer {
  major: u64 = 0;
  minor: u64 = 0;
  patch: u64 = 0;
  prerelease: Array<string> = [];
}

// Major, minor and patch: digits without a leading zero (§2), at most 15 so they fit exactly.
function parseNumber(text: string): i64 {
  if (text.length == 0 || text.length > 15 || (text.length > 1 && text.charCodeAt(0) == 0x30)) return -1;
  let value: i64 = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function isDigits(text: string): bool {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return text.length > 0;
}

// §9 and §10: identifiers are [0-9A-Za-z-]+, none empty.
function isIdentifier(text: string): bool {
  if (text.length == 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2d;
    if (!ok) return false;
  }
  return true;
}

export function parseSemVer(input: string): SemVer | null {
  let text = input.startsWith("v") ? input.substring(1) : input;
  const plus = text.indexOf("+");
  if (plus >= 0) {
    // Build metadata (§10): validated, then ignored for precedence.
    const build = text.substring(plus + 1).split(".");
    for (let i = 0; i < build.length; i++) if (!isIdentifier(build[i])) return null;
    text = text.substring(0, plus);
  }
  const dash = text.indexOf("-");
  const core = dash >= 0 ? text.substring(0, dash) : text;
  const parts = core.split(".");
  if (parts.length != 3) return null;
  const major = parseNumber(parts[0]);
  const minor = parseNumber(parts[1]);
  const patch = parseNumber(parts[2]);
  if (major < 0 || minor < 0 || patch < 0) return null;
  const version = new SemVer();
  version.major = <u64>major;
  version.minor = <u64>minor;
  version.patch = <u64>patch;
  if (dash >= 0) {
    // §9: a numeric identifier has no leading zero.
    const identifiers = text.substring(dash + 1).split(".");
    for (let i = 0; i < identifiers.length; i++) {
      const identifier = identifiers[i];
      if (!isIdentifier(identifier)) return null;
      if (identifier.length > 1 && identifier.charCodeAt(0) == 0x30 && isDigits(identifier)) return null;
    }
    version.prerelease = identifiers;
  }
  return version;
}

// Numeric identifiers of any length: without leading zeros the longer is the larger.
function compareDigits(x: string, y: string): i32 {
  if (x.length != y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

// <0, 0, >0 by precedence (§11): core numerically, then a pre-release below its release, then
// identifiers left to right (numeric ones numerically and below alphanumeric ones, the others by
// ASCII order), then the longer list above.
export function compareSemVer(a: SemVer, b: SemVer): i32 {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  const ap = a.prerelease;
  const bp = b.prerelease;
  if (ap.length == 0 || bp.length == 0) return ap.length == bp.length ? 0 : ap.length == 0 ? 1 : -1;
  for (let i = 0; i < ap.length && i < bp.length; i++) {
    const x = ap[i];
    const y = bp[i];
    if (x == y) continue;
    const xn = isDigits(x);
    const yn = isDigits(y);
    if (xn && yn) return compareDigits(x, y);
    if (xn != yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return ap.length == bp.length ? 0 : ap.length < bp.length ? -1 : 1;
}

// The comparisons a range is made of; ^ and ~ are expanded into two of them at configure.
export enum SemVerOperator {
  Equal = 0,
  NotEqual = 1,
  Greater = 2,
  GreaterOrEqual = 3,
  Less = 4,
  LessOrEqual = 5,
}

export class Comparison {
  constructor(
    public operator: SemVerOperator,
    public bound: SemVer,
  ) {}
}

// The operator names a configuration may use.
export const SEMVER_OPERATORS = ["=", "!=", ">", ">=", "<", "<=", "^", "~"];

function versionOf(major: u64, minor: u64, patch: u64, prerelease: Array<string>): SemVer {
  const version = new SemVer();
  version.major = major;
  version.minor = minor;
  version.patch = patch;
  version.prerelease = prerelease;
  return version;
}

// Appends the comparisons `operator bound` stands for, as node-semver expands them:
//   ^1.2.3 → >=1.2.3 <2.0.0-0   ^0.2.3 → >=0.2.3 <0.3.0-0   ^0.0.3 → >=0.0.3 <0.0.4-0
//   ~1.2.3 → >=1.2.3 <1.3.0-0   (the -0 upper bound keeps 2.0.0-alpha out of ^1.2.3)
// False for an unknown operator.
export function expandComparison(operator: string, bound: SemVer, into: Array<Comparison>): bool {
  const index = SEMVER_OPERATORS.indexOf(operator);
  if (index < 0) return false;
  if (index < 6) {
    into.push(new Comparison(<SemVerOperator>index, bound));
    return true;
  }
  into.push(new Comparison(SemVerOperator.GreaterOrEqual, bound));
  let upper: SemVer;
  if (operator == "~" || (bound.major == 0 && bound.minor != 0))
    upper = versionOf(bound.major, bound.minor + 1, 0, ["0"]);
  else if (bound.major != 0) upper = versionOf(bound.major + 1, 0, 0, ["0"]);
  else upper = versionOf(0, 0, bound.patch + 1, ["0"]);
  into.push(new Comparison(SemVerOperator.Less, upper));
  return true;
}

function holds(value: SemVer, comparison: Comparison): bool {
  const order = compareSemVer(value, comparison.bound);
  switch (comparison.operator) {
    case SemVerOperator.Equal:
      return order == 0;
    case SemVerOperator.NotEqual:
      return order != 0;
    case SemVerOperator.Greater:
      return order > 0;
    case SemVerOperator.GreaterOrEqual:
      return order >= 0;
    case SemVerOperator.Less:
      return order < 0;
    default:
      return order <= 0;
  }
}

// Whether the version satisfies every comparison. As in node-semver and Cargo, a pre-release
// satisfies a range only when a bound names a pre-release of the same major.minor.patch, so
// >=1.0.0 does not admit 2.0.0-beta (an opt-in per release line, not a side effect of ordering).
export function satisfiesAll(value: SemVer, comparisons: Array<Comparison>): bool {
  for (let i = 0; i < comparisons.length; i++) if (!holds(value, comparisons[i])) return false;
  if (value.prerelease.length == 0) return true;
  for (let i = 0; i < comparisons.length; i++) {
    const bound = comparisons[i].bound;
    if (
      bound.prerelease.length > 0 &&
      bound.major == value.major &&
      bound.minor == value.minor &&
      bound.patch == value.patch
    )
      return true;
  }
  return false;
}
