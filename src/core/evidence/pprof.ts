/**
 * The `debug=0` form of goroutine and goroutineleak profiles: a gzipped protocol buffer of
 * pprof's `Profile` message (github.com/google/pprof/proto/profile.proto). Only what a goroutine
 * profile needs is read: samples (a count and a stack of location ids), locations (their lines),
 * functions (name and file) and the string table.
 */
import { gunzipSync, strFromU8 } from 'fflate';
import { readEvidence, stateFromTop, type Evidence, type Frame, type Goroutine } from './goroutines';

/**
 * Evidence from a file's bytes: a gzipped or raw pprof protocol buffer (`debug=0`), or text (a
 * dump, a `debug=1` profile, race reports) in UTF-8.
 */
export function readEvidenceBytes(bytes: Uint8Array): Evidence {
  if (isGzip(bytes) || looksLikeProto(bytes)) return readPprof(bytes);
  const empty = (problem: string): Evidence => ({ kind: 'empty', goroutines: [], races: [], skipped: 0, problem });
  if (bytes.length === 0) return empty('The file is empty: save the goroutine dump, profile or race report into it first.');
  // Text has no NUL byte; an executable, an image or an archive has many in its first kilobytes.
  if (bytes.subarray(0, 8192).includes(0)) return empty('This is a binary file, not a goroutine dump, a goroutine profile (text or gzipped) or a race report.');
  return readEvidence(strFromU8(bytes));
}

/** A Profile message starts with its sample types (field 1) or samples (field 2): bytes 0x0a or 0x12, then a length. Text never starts so. */
function looksLikeProto(bytes: Uint8Array): boolean {
  return bytes.length > 2 && (bytes[0] === 0x0a || bytes[0] === 0x12) && bytes[1] < 0x80 && bytes.subarray(0, 64).some((b) => b < 0x09);
}

/** True for the first bytes of a gzip stream. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads a gzipped (or plain) pprof protocol buffer into goroutine records; `empty` with a reason when it is not one. */
export function readPprof(bytes: Uint8Array): Evidence {
  const out: Evidence = { kind: 'profile', profile: 'goroutine', goroutines: [], races: [], skipped: 0 };
  try {
    const data = isGzip(bytes) ? gunzipSync(bytes) : bytes;
    const p = decodeProfile(data);
    // The sample type names the profile: `goroutine`, or the leak profile's.
    const kind = p.sampleTypes.map((i) => p.strings[i] ?? '').some((t) => /leak/.test(t)) ? 'goroutineleak' : 'goroutine';
    out.profile = kind;
    const fn = new Map(p.functions.map((f) => [f.id, f]));
    const loc = new Map(p.locations.map((l) => [l.id, l]));
    const str = (i: number) => p.strings[i] ?? '';
    for (const s of p.samples) {
      const frames: Frame[] = [];
      for (const id of s.locations) {
        // Inlined calls come first in a location's lines, the caller last: innermost first, as dumps print.
        for (const line of loc.get(id)?.lines ?? []) {
          const f = fn.get(line.functionId);
          if (f) frames.push({ func: str(f.name), file: str(f.filename), line: line.line });
        }
      }
      const count = s.values[0] ?? 1;
      const leaked = kind === 'goroutineleak';
      out.goroutines.push({ state: leaked ? 'leaked' : stateFromTop(frames), leaked, frames, count } satisfies Goroutine);
    }
  } catch (e) {
    return { ...out, kind: 'empty', goroutines: [], problem: `Not a readable pprof profile (${e instanceof Error ? e.message : String(e)}).` };
  }
  if (out.goroutines.length === 0) return { ...out, kind: 'empty', problem: 'The profile has no samples.' };
  return out;
}

interface Decoded {
  /** String indices of each sample type's `type`. */
  sampleTypes: number[];
  samples: { locations: number[]; values: number[] }[];
  locations: { id: number; lines: { functionId: number; line: number }[] }[];
  functions: { id: number; name: number; filename: number }[];
  strings: string[];
}

function decodeProfile(buf: Uint8Array): Decoded {
  const d: Decoded = { sampleTypes: [], samples: [], locations: [], functions: [], strings: [] };
  for (const f of fields(buf)) {
    if (f.wire !== 2) continue;
    const b = f.bytes!;
    switch (f.no) {
      case 1:
        for (const g of fields(b)) if (g.no === 1 && g.wire === 0) d.sampleTypes.push(g.value!);
        break;
      case 2: {
        const s = { locations: [] as number[], values: [] as number[] };
        for (const g of fields(b)) {
          if (g.no === 1) s.locations.push(...packedOrOne(g));
          else if (g.no === 2) s.values.push(...packedOrOne(g));
        }
        d.samples.push(s);
        break;
      }
      case 4: {
        const l = { id: 0, lines: [] as { functionId: number; line: number }[] };
        for (const g of fields(b)) {
          if (g.no === 1 && g.wire === 0) l.id = g.value!;
          else if (g.no === 4 && g.wire === 2) {
            const line = { functionId: 0, line: 0 };
            for (const h of fields(g.bytes!)) {
              if (h.no === 1 && h.wire === 0) line.functionId = h.value!;
              else if (h.no === 2 && h.wire === 0) line.line = h.value!;
            }
            l.lines.push(line);
          }
        }
        d.locations.push(l);
        break;
      }
      case 5: {
        const fn = { id: 0, name: 0, filename: 0 };
        for (const g of fields(b)) {
          if (g.wire !== 0) continue;
          if (g.no === 1) fn.id = g.value!;
          else if (g.no === 2) fn.name = g.value!;
          else if (g.no === 4) fn.filename = g.value!;
        }
        d.functions.push(fn);
        break;
      }
      case 6:
        d.strings.push(strFromU8(b));
        break;
    }
  }
  return d;
}

interface Field {
  no: number;
  wire: number;
  value?: number;
  bytes?: Uint8Array;
}

/** The fields of one message, in order. Throws on a truncated or malformed buffer. */
function* fields(buf: Uint8Array): Generator<Field> {
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let shift = 0; shift < 64; shift += 7) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++];
      v += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return v;
    }
    throw new Error('varint too long');
  };
  while (i < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new Error('truncated field');
      yield { no, wire, bytes: buf.subarray(i, i + len) };
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unknown wire type ${wire}`);
  }
}

/** A repeated varint field, packed (one length-delimited run) or not. */
function packedOrOne(f: Field): number[] {
  if (f.wire === 0) return [f.value!];
  const out: number[] = [];
  for (const g of fields(concatKey(f.bytes!))) out.push(g.value!);
  return out;
}

/** Packed varints have no keys; give each one a key (field 1, varint) so `fields` can read them. */
function concatKey(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] & 0x80) === 0) {
      out.push(0x08, ...bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  return Uint8Array.from(out);
}
