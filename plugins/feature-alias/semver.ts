// Semantic versions (semver.org 2.0.0) and their precedence, for conditions such as
// {"header": "x-app-version", "semver": {">=": "2.3.0"}}. A leading "v" is accepted.

export class SemVer {
  major: u64 = 0;
  minor: u64 = 0;
  patch: u64 = 0;
  prerelease: Array<string> = [];
}

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

export function parseSemVer(input: string): SemVer | null {
  let text = input.startsWith("v") ? input.substring(1) : input;
  const plus = text.indexOf("+");
  if (plus >= 0) text = text.substring(0, plus);
  const dash = text.indexOf("-");
  const core = dash >= 0 ? text.substring(0, dash) : text;
  const parts = core.split(".");
  if (parts.length != 3) return null;
  const version = new SemVer();
  const major = parseNumber(parts[0]);
  const minor = parseNumber(parts[1]);
  const patch = parseNumber(parts[2]);
  if (major < 0 || minor < 0 || patch < 0) return null;
  version.major = <u64>major;
  version.minor = <u64>minor;
  version.patch = <u64>patch;
  if (dash >= 0) {
    version.prerelease = text.substring(dash + 1).split(".");
    for (let i = 0; i < version.prerelease.length; i++) if (version.prerelease[i].length == 0) return null;
  }
  return version;
}

function isNumeric(text: string): bool {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return text.length > 0 && text.length <= 15;
}

// <0, 0, >0 by semver precedence: a pre-release sorts before its release.
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
    const xn = isNumeric(x);
    const yn = isNumeric(y);
    if (xn && yn) return parseNumber(x) < parseNumber(y) ? -1 : 1;
    if (xn != yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return ap.length == bp.length ? 0 : ap.length < bp.length ? -1 : 1;
}

export enum SemVerOperator {
  Equal = 0,
  NotEqual = 1,
  Greater = 2,
  GreaterOrEqual = 3,
  Less = 4,
  LessOrEqual = 5,
  // ^1.2.3: at least 1.2.3, same major version.
  Caret = 6,
  // ~1.2.3: at least 1.2.3, same major and minor version.
  Tilde = 7,
}

export function semverOperator(text: string): i32 {
  if (text == "=") return SemVerOperator.Equal;
  if (text == "!=") return SemVerOperator.NotEqual;
  if (text == ">") return SemVerOperator.Greater;
  if (text == ">=") return SemVerOperator.GreaterOrEqual;
  if (text == "<") return SemVerOperator.Less;
  if (text == "<=") return SemVerOperator.LessOrEqual;
  if (text == "^") return SemVerOperator.Caret;
  if (text == "~") return SemVerOperator.Tilde;
  return -1;
}

export function semverHolds(value: SemVer, operator: SemVerOperator, bound: SemVer): bool {
  const order = compareSemVer(value, bound);
  switch (operator) {
    case SemVerOperator.Equal: return order == 0;
    case SemVerOperator.NotEqual: return order != 0;
    case SemVerOperator.Greater: return order > 0;
    case SemVerOperator.GreaterOrEqual: return order >= 0;
    case SemVerOperator.Less: return order < 0;
    case SemVerOperator.LessOrEqual: return order <= 0;
    case SemVerOperator.Caret: return order >= 0 && value.major == bound.major;
    default: return order >= 0 && value.major == bound.major && value.minor == bound.minor;
  }
}
