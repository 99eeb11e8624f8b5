#!/usr/bin/env node
// Second-language check of the BDX v1 test vectors (spec/vectors/).
//
// Written from spec/bdx-v1.md, spec/vectors/README.md and the .proto files
// alone, not from the reference (Java) implementation. Plain Node.js >= 18, no
// dependencies: node:crypto for SHA-256 and Ed25519, and a small protobuf
// wire-format reader for the few messages the vectors need.
//
// Usage: node spec/verify-js/verify.mjs [VECTORS_DIR]
// Prints one line per vector, then "N passed, M failed"; exits 1 on any failure.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- bytes (§1.2)

const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (s) => {
  if (typeof s !== 'string' || !/^([0-9a-f]{2})*$/.test(s)) {
    throw new Error(`not lower-case hex: ${String(s).slice(0, 40)}`);
  }
  return Buffer.from(s, 'hex');
};
const ascii = (s) => {
  if (!/^[\x00-\x7f]*$/.test(s)) throw new Error('not ASCII');
  return Buffer.from(s, 'latin1');
};
const u64be = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const LP = (...parts) => Buffer.concat(parts.flatMap((p) => [u64be(p.length), Buffer.from(p)]));
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();
const bytesEqual = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

// ---------------------------------------------------------------- base32 (§1.3)

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes) {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

// Decodes canonical base32 of exactly `n` bytes; null if not canonical (§1.3).
function base32Decode(s, n) {
  if (typeof s !== 'string' || s.length !== Math.ceil((n * 8) / 5)) return null;
  const out = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s) {
    const v = B32.indexOf(ch);
    if (v < 0) return null; // upper case, padding, other characters
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 255);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  if (acc !== 0) return null; // non-zero trailing bits
  return out.length === n ? Buffer.from(out) : null;
}

// ---------------------------------------------------------------- identity (ID-1..ID-3)

const NODE_ID_CONTEXT = 'bdx/v1/node-id';
const nodeIdHashInput = (pk) => LP(ascii(NODE_ID_CONTEXT), pk);
const nodeIdOf = (pk) => 'bdx' + base32(sha256(nodeIdHashInput(pk)));
const fingerprintOf = (nodeId) => nodeId.slice(3, 23).match(/.{4}/g).join('-');

// ---------------------------------------------------------------- Ed25519 (§1.2, SIG-2, SIG-7.6)

const PKCS8_ED25519_PREFIX = unhex('302e020100300506032b657004220420');

function privateKeyFromSeed(seed) {
  if (seed.length !== 32) throw new Error('seed is not 32 bytes');
  return crypto.createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

function publicKeyFromSeed(seed) {
  const jwk = crypto.createPublicKey(privateKeyFromSeed(seed)).export({ format: 'jwk' });
  return Buffer.from(jwk.x, 'base64url');
}

const sign = (seed, message) => crypto.sign(null, message, privateKeyFromSeed(seed));

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const leInt = (b) => BigInt('0x' + (hex(Buffer.from(b).reverse()) || '0'));
// y coordinates of the 8 points of small order (the identity, order 2, 4 and 8).
const SMALL_ORDER_Y = new Set(
  [
    '0100000000000000000000000000000000000000000000000000000000000000',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    '0000000000000000000000000000000000000000000000000000000000000000',
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  ].map((h) => yOf(unhex(h))),
);
function yOf(encoded) {
  const b = Buffer.from(encoded);
  b[31] &= 0x7f;
  return leInt(b);
}

// RFC 8032 verification with the rejections SIG-7 step 6 requires. Returns
// false, never throws.
function ed25519Verify(publicKey, message, signature) {
  try {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    const y = yOf(publicKey);
    if (y >= P) return false; // non-canonical encoding
    if (SMALL_ORDER_Y.has(y)) return false; // small-order point, incl. identity and all-zero
    if (leInt(signature.subarray(32)) >= L) return false; // non-canonical S
    const key = crypto.createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    return crypto.verify(null, message, key, signature) === true;
  } catch {
    return false; // not a point on the curve, or any other library error
  }
}

const SIGNATURE_CONTEXT = 'bdx/v1/signature';
const signingInput = (type, body) => LP(ascii(SIGNATURE_CONTEXT), ascii(type), body);

// ---------------------------------------------------------------- protobuf reader (§1.4)

class Malformed extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readVarint(buf, pos) {
  let result = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Malformed('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return [BigInt.asUintN(64, result), pos];
  }
  throw new Malformed('varint longer than 10 bytes');
}

// Skips one field value of wire type `wt` (already read) starting at pos.
function skipValue(buf, pos, wt, fieldNo, depth = 0) {
  switch (wt) {
    case 0:
      return readVarint(buf, pos)[1];
    case 1:
      if (pos + 8 > buf.length) throw new Malformed('truncated fixed64');
      return pos + 8;
    case 5:
      if (pos + 4 > buf.length) throw new Malformed('truncated fixed32');
      return pos + 4;
    case 2: {
      const [len, p] = readVarint(buf, pos);
      if (len > BigInt(buf.length - p)) throw new Malformed('truncated length-delimited field');
      return p + Number(len);
    }
    case 3: {
      if (depth > 100) throw new Malformed('groups nested too deeply');
      for (;;) {
        const [tag, p] = readTag(buf, pos);
        pos = p;
        if (tag.wt === 4) {
          if (tag.no !== fieldNo) throw new Malformed('mismatched end group');
          return pos;
        }
        pos = skipValue(buf, pos, tag.wt, tag.no, depth + 1);
      }
    }
    default:
      throw new Malformed(`invalid wire type ${wt}`);
  }
}

function readTag(buf, pos) {
  const [tag, p] = readVarint(buf, pos);
  if (tag > 0xffffffffn) throw new Malformed('tag out of range');
  const no = Number(tag >> 3n);
  const wt = Number(tag & 7n);
  if (no === 0) throw new Malformed('field number 0');
  return [{ no, wt }, p];
}

const VARINT_TYPES = new Set(['uint64', 'int64', 'uint32', 'int32', 'enum', 'bool']);

function scalarFromVarint(type, v) {
  switch (type) {
    case 'uint64':
      return v;
    case 'int64':
      return BigInt.asIntN(64, v);
    case 'uint32':
      return Number(BigInt.asUintN(32, v));
    case 'int32':
    case 'enum':
      return Number(BigInt.asIntN(32, v));
    case 'bool':
      return v !== 0n;
    default:
      throw new Error(type);
  }
}

// Parses `buf` as the message described by `schema` (field number ->
// {name, type, repeated, schema}). Proto3 rules: last value wins for a
// singular scalar, occurrences of an embedded message each parse on their own
// and merge, repeated varint
// fields accept packed and unpacked encoding, strings must be valid UTF-8,
// enums are open. A field with an unknown number, or a known number with a
// wire type other than its type's, is an unknown field (recorded, skipped).
// Throws Malformed if the bytes are not a protobuf message.
function parse(buf, schema) {
  const msg = { _unknown: [] };
  const chunks = {}; // embedded messages: concatenation == merge
  for (const f of Object.values(schema)) {
    msg[f.name] = f.repeated ? [] : defaultOf(f.type);
  }
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p] = readTag(buf, pos);
    pos = p;
    const f = schema[tag.no];
    const packable = f && f.repeated && VARINT_TYPES.has(f.type);
    const expected = f ? (VARINT_TYPES.has(f.type) ? 0 : 2) : -1;
    if (!f || (tag.wt !== expected && !(packable && tag.wt === 2))) {
      if (tag.wt === 4) throw new Malformed('unexpected end group');
      const end = skipValue(buf, pos, tag.wt, tag.no);
      msg._unknown.push(tag.no);
      pos = end;
      continue;
    }
    if (tag.wt === 0) {
      const [v, q] = readVarint(buf, pos);
      pos = q;
      const val = scalarFromVarint(f.type, v);
      if (f.repeated) msg[f.name].push(val);
      else msg[f.name] = val;
      continue;
    }
    const [len, q] = readVarint(buf, pos);
    if (len > BigInt(buf.length - q)) throw new Malformed('truncated length-delimited field');
    const body = buf.subarray(q, q + Number(len));
    pos = q + Number(len);
    if (packable) {
      let r = 0;
      while (r < body.length) {
        const [v, s] = readVarint(body, r);
        r = s;
        msg[f.name].push(scalarFromVarint(f.type, v));
      }
    } else if (f.type === 'string') {
      let s;
      try {
        s = utf8.decode(body);
      } catch {
        throw new Malformed(`field ${f.name} is not valid UTF-8`);
      }
      if (f.repeated) msg[f.name].push(s);
      else msg[f.name] = s;
    } else if (f.type === 'bytes') {
      if (f.repeated) msg[f.name].push(Buffer.from(body));
      else msg[f.name] = Buffer.from(body);
    } else if (f.type === 'message') {
      if (f.repeated) msg[f.name].push(parse(body, f.schema));
      else (chunks[f.name] ??= []).push(body);
    }
  }
  for (const [name, parts] of Object.entries(chunks)) {
    const f = Object.values(schema).find((x) => x.name === name);
    if (f.raw) {
      // Kept as bytes for a later step to parse (a FeedItem's alert, verified by SIG-7).
      msg[name] = Buffer.concat(parts);
      continue;
    }
    // PB-4: each occurrence parses on its own; their merge is then the parse of the joined bytes.
    for (const part of parts) parse(part, f.schema);
    msg[name] = parse(Buffer.concat(parts), f.schema);
  }
  return msg;
}

function defaultOf(type) {
  switch (type) {
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'uint64':
    case 'int64':
      return 0n;
    case 'bool':
      return false;
    case 'message':
      return null;
    default:
      return 0;
  }
}

// True if the message or any embedded message has unknown fields.
function hasUnknown(msg) {
  if (msg === null || typeof msg !== 'object' || !('_unknown' in msg)) return false;
  if (msg._unknown.length > 0) return true;
  return Object.entries(msg).some(
    ([k, v]) => k !== '_unknown' && (Array.isArray(v) ? v.some(hasUnknown) : hasUnknown(v)),
  );
}

// Proto3 "set" (ALR-2): differs from the default.
function isSet(v) {
  if (Array.isArray(v)) return v.length > 0;
  if (Buffer.isBuffer(v)) return v.length > 0;
  if (v === null || v === undefined) return false;
  if (typeof v === 'object') return true;
  return v !== '' && v !== 0 && v !== 0n && v !== false;
}

// ---------------------------------------------------------------- the .proto files

const ENUMS = {
  HarmCategory: [
    'HARM_CATEGORY_UNSPECIFIED',
    'HARM_CATEGORY_PHYSICAL_ASSAULT',
    'HARM_CATEGORY_SEXUAL_ASSAULT',
    'HARM_CATEGORY_STEALTHING',
    'HARM_CATEGORY_ROBBERY',
    'HARM_CATEGORY_THREAT_WITH_WEAPON',
    'HARM_CATEGORY_THREATS',
    'HARM_CATEGORY_HARASSMENT',
    'HARM_CATEGORY_REFUSED_PAYMENT',
    'HARM_CATEGORY_TIME_WASTING',
    'HARM_CATEGORY_STALKING',
    'HARM_CATEGORY_CONFINEMENT',
    'HARM_CATEGORY_OUTING',
    'HARM_CATEGORY_DRUGGING',
    'HARM_CATEGORY_OTHER',
  ],
  WorkSetting: [
    'WORK_SETTING_UNSPECIFIED',
    'WORK_SETTING_STREET',
    'WORK_SETTING_INCALL',
    'WORK_SETTING_OUTCALL',
    'WORK_SETTING_INDOOR',
    'WORK_SETTING_ONLINE',
    'WORK_SETTING_VEHICLE',
    'WORK_SETTING_OTHER',
  ],
  Audience: ['AUDIENCE_UNSPECIFIED', 'AUDIENCE_PEER', 'AUDIENCE_SUPPORT', 'AUDIENCE_POLICE'],
  TimeOfDay: [
    'TIME_OF_DAY_UNSPECIFIED',
    'TIME_OF_DAY_MORNING',
    'TIME_OF_DAY_AFTERNOON',
    'TIME_OF_DAY_EVENING',
    'TIME_OF_DAY_NIGHT',
  ],
  Severity: [
    'SEVERITY_UNSPECIFIED',
    'SEVERITY_LOW',
    'SEVERITY_MODERATE',
    'SEVERITY_HIGH',
    'SEVERITY_CRITICAL',
  ],
  AlertStatus: [
    'ALERT_STATUS_UNSPECIFIED',
    'ALERT_STATUS_ACTIVE',
    'ALERT_STATUS_UPDATED',
    'ALERT_STATUS_RETRACTED',
  ],
  PartnerClass: [
    'PARTNER_CLASS_UNSPECIFIED',
    'PARTNER_CLASS_PEER',
    'PARTNER_CLASS_SUPPORT',
    'PARTNER_CLASS_POLICE',
  ],
};
const enumName = (e, n) => ENUMS[e][n] ?? String(n);

const s = (name, type, extra = {}) => ({ name, type, ...extra });
const ALERT_FIELDS = {
  1: s('incident_date', 'string'),
  2: s('time_of_day', 'enum', { enum: 'TimeOfDay' }),
  3: s('area', 'string'),
  4: s('work_setting', 'enum', { enum: 'WorkSetting' }),
  5: s('harms', 'enum', { enum: 'HarmCategory', repeated: true }),
  6: s('severity', 'enum', { enum: 'Severity' }),
  7: s('aggressor_description', 'string'),
  8: s('names_used', 'string', { repeated: true }),
  9: s('phone_numbers', 'string', { repeated: true }),
  10: s('vehicle_description', 'string'),
  11: s('vehicle_plate', 'string'),
  12: s('online_handles', 'string', { repeated: true }),
  13: s('modus_operandi', 'string'),
  14: s('languages', 'string', { repeated: true }),
  15: s('reporter_contact', 'string'),
};
const ALERT_HEADER = {
  1: s('origin_node_id', 'string'),
  2: s('origin_public_key', 'bytes'),
  3: s('alert_id', 'string'),
  4: s('version', 'uint64'),
  5: s('status', 'enum', { enum: 'AlertStatus' }),
  6: s('issued_at', 'int64'),
  7: s('expires_at', 'int64'),
  8: s('audience', 'enum', { enum: 'Audience' }),
  9: s('max_hops', 'uint32'),
  10: s('digest_algorithm', 'string'),
  11: s('claim_digests', 'bytes', { repeated: true }),
};
const DISCLOSURE = { 1: s('salt', 'bytes'), 2: s('claim', 'bytes') };
const CLAIM = { 1: s('path', 'string'), 2: s('value', 'message', { schema: ALERT_FIELDS }) };
const SIGNED_ALERT = {
  1: s('header', 'bytes'),
  2: s('signature', 'bytes'),
  3: s('disclosures', 'message', { repeated: true, schema: DISCLOSURE }),
};
const DIRECTION_TERMS = {
  1: s('receiver_class', 'enum', { enum: 'PartnerClass' }),
  2: s('harms', 'enum', { enum: 'HarmCategory', repeated: true }),
  3: s('all_harms', 'bool'),
  4: s('areas', 'string', { repeated: true }),
  5: s('all_areas', 'bool'),
  6: s('min_severity', 'enum', { enum: 'Severity' }),
  7: s('field_paths', 'string', { repeated: true }),
  8: s('may_relay', 'bool'),
  9: s('max_relay_hops', 'uint32'),
  10: s('retention_days', 'uint32'),
  11: s('accept_relayed', 'bool'),
};
const AGREEMENT_TERMS = {
  1: s('agreement_id', 'string'),
  2: s('version', 'uint64'),
  3: s('proposer_node_id', 'string'),
  4: s('proposer_public_key', 'bytes'),
  5: s('acceptor_node_id', 'string'),
  6: s('acceptor_public_key', 'bytes'),
  7: s('proposer_to_acceptor', 'message', { schema: DIRECTION_TERMS }),
  8: s('acceptor_to_proposer', 'message', { schema: DIRECTION_TERMS }),
  9: s('proposed_at', 'int64'),
};
const SIGNED_AGREEMENT = {
  1: s('terms', 'bytes'),
  2: s('proposer_signature', 'bytes'),
  3: s('acceptor_signature', 'bytes'),
};
// federation_service.proto. The alert stays bytes: FEED-8 check 2 looks at the FeedItem's own
// fields only, and check 4 hands the envelope bytes to SIG-7.
const FEED_ITEM = {
  1: s('sequence', 'uint64'),
  2: s('agreement_id', 'string'),
  3: s('alert', 'message', { raw: true }),
  4: s('relay_hops', 'uint32'),
  5: s('hops_left', 'uint32'),
  6: s('hops', 'bytes', { repeated: true }),
};

const HOP_STATEMENT = {
  1: s('header_digest', 'bytes'),
  2: s('from_node_id', 'string'),
  3: s('from_public_key', 'bytes'),
  4: s('to_node_id', 'string'),
  5: s('hops_left', 'uint32'),
};
const SIGNED_HOP = { 1: s('statement', 'bytes'), 2: s('signature', 'bytes') };
// key.proto
const KEY_EVENT = {
  1: s('node_id', 'string'),
  2: s('sequence', 'uint64'),
  3: s('kind', 'enum'),
  4: s('public_key', 'bytes'),
  5: s('next_key_digest', 'bytes'),
  6: s('previous_event_digest', 'bytes'),
  7: s('valid_from', 'int64'),
  8: s('compromised_since', 'int64'),
};
const SIGNED_KEY_EVENT = { 1: s('event', 'bytes'), 2: s('signature', 'bytes') };

// ALR-2: the claim paths, in field number order.
const PATHS = Object.keys(ALERT_FIELDS)
  .map(Number)
  .sort((a, b) => a - b)
  .map((n) => ALERT_FIELDS[n].name);

// proto3 JSON mapping of a parsed message (proto field names, enum names;
// 64-bit integers as numbers here since the vectors keep them within 53 bits).
function toJson(msg, schema) {
  const out = {};
  for (const f of Object.values(schema)) {
    const v = msg[f.name];
    if (!isSet(v)) continue;
    const one = (x) => {
      if (f.type === 'enum') return enumName(f.enum, x);
      if (f.type === 'bytes') return hex(x);
      if (f.type === 'message') return toJson(x, f.schema);
      if (typeof x === 'bigint') return Number(x);
      return x;
    };
    out[f.name] = f.repeated ? v.map(one) : one(v);
  }
  return out;
}

// ---------------------------------------------------------------- alert envelopes (SIG-4..SIG-7)

const ALERT_HEADER_TYPE = 'bdx.v1.AlertHeader';
const CLAIM_DIGEST_CONTEXT = 'bdx/v1/claim-digest';
const DIGEST_SLOTS = 16;
const claimDigestInput = (salt, claim) => LP(ascii(CLAIM_DIGEST_CONTEXT), salt, claim);
const claimDigest = (salt, claim) => sha256(claimDigestInput(salt, claim));
const MAX_INT63 = 2n ** 63n - 1n;

const fail = (reason) => ({ ok: false, reason });

// SIG-7. Returns {ok: true, header, fields, paths} or {ok: false, reason}.
// `heldLog`: the verified KeyEvents of the origin's key log this verifier holds (KEY-18), or
// undefined: then the origin signs with the key its id was derived from (ID-2) and SIG-7.11 holds.
// A log of another node is no log of the origin.
function verifyEnvelope(envelopeBytes, expectedOrigin, heldLog) {
  // 1. envelope bounds
  let env;
  try {
    env = parse(envelopeBytes, SIGNED_ALERT);
  } catch (e) {
    if (e instanceof Malformed) return fail('ENVELOPE_MALFORMED');
    throw e;
  }
  if (hasUnknown(env)) return fail('ENVELOPE_MALFORMED');
  if (env.signature.length !== 64) return fail('SIGNATURE_LENGTH');
  if (env.header.length > 4096) return fail('HEADER_TOO_LARGE');
  if (env.disclosures.length > 32) return fail('TOO_MANY_DISCLOSURES');
  if (env.disclosures.some((d) => d.claim.length > 16384)) return fail('CLAIM_TOO_LARGE');
  // 2. header parses, no unknown fields
  let h;
  try {
    h = parse(env.header, ALERT_HEADER);
  } catch (e) {
    if (e instanceof Malformed) return fail('HEADER_MALFORMED');
    throw e;
  }
  if (hasUnknown(h)) return fail('HEADER_UNKNOWN_FIELDS');
  // 3. digest algorithm
  if (h.digest_algorithm !== 'sha-256') return fail('UNSUPPORTED_DIGEST_ALGORITHM');
  // 4. origin key and id
  if (h.origin_public_key.length !== 32) return fail('ORIGIN_KEY_MALFORMED');
  if (h.origin_node_id !== nodeIdOf(h.origin_public_key)) {
    // A later key of the origin: its held log must name it (KEY-1, KEY-18).
    const named =
      heldLog !== undefined &&
      heldLog[0].node_id === h.origin_node_id &&
      heldLog.some((e) => bytesEqual(e.public_key, h.origin_public_key));
    if (!named) return fail('ORIGIN_ID_MISMATCH');
  }
  // 5. expected origin
  if (expectedOrigin !== undefined && h.origin_node_id !== expectedOrigin) {
    return fail('UNEXPECTED_ORIGIN');
  }
  // 6. signature
  if (!ed25519Verify(h.origin_public_key, signingInput(ALERT_HEADER_TYPE, env.header), env.signature)) {
    return fail('BAD_SIGNATURE');
  }
  // 7. header sanity
  if (base32Decode(h.alert_id, 16) === null) return fail('INVALID_ALERT_ID');
  if (h.version < 1n || h.version > MAX_INT63) return fail('INVALID_VERSION');
  if (!(h.status >= 1 && h.status < ENUMS.AlertStatus.length)) return fail('INVALID_STATUS');
  if (!(h.audience >= 1 && h.audience < ENUMS.Audience.length)) return fail('INVALID_AUDIENCE');
  if (!(h.issued_at > 0n && h.expires_at > h.issued_at)) return fail('INVALID_VALIDITY');
  // 8. digests
  const digests = h.claim_digests;
  const seen = new Set();
  for (const d of digests) {
    // entry by entry, in header order
    if (d.length !== 32) return fail('DIGEST_MALFORMED');
    if (seen.has(hex(d))) return fail('DUPLICATE_DIGEST');
    seen.add(hex(d));
  }
  for (let i = 1; i < digests.length; i++) {
    if (Buffer.compare(digests[i - 1], digests[i]) >= 0) return fail('DIGESTS_NOT_SORTED');
  }
  const retracted = ENUMS.AlertStatus[h.status] === 'ALERT_STATUS_RETRACTED';
  if (digests.length !== (retracted ? 0 : DIGEST_SLOTS)) return fail('DIGEST_COUNT');
  // 9. retraction
  if (retracted && env.disclosures.length > 0) return fail('RETRACTION_WITH_DISCLOSURES');
  // 10. disclosures, in envelope order, each through every check
  const fields = {};
  const paths = [];
  for (const d of env.disclosures) {
    if (d.salt.length < 16 || d.salt.length > 64) return fail('SALT_LENGTH');
    if (!seen.has(hex(claimDigest(d.salt, d.claim)))) return fail('DIGEST_NOT_IN_HEADER');
    let c;
    try {
      c = parse(d.claim, CLAIM);
    } catch (e) {
      if (e instanceof Malformed) return fail('CLAIM_MALFORMED');
      throw e;
    }
    if (hasUnknown(c)) return fail('CLAIM_UNKNOWN_FIELDS');
    if (!PATHS.includes(c.path)) return fail('UNKNOWN_PATH');
    const value = c.value ?? parse(Buffer.alloc(0), ALERT_FIELDS);
    const setNames = PATHS.filter((p) => isSet(value[p]));
    if (setNames.length !== 1 || setNames[0] !== c.path) return fail('CLAIM_VALUE_MISMATCH');
    const f = Object.values(ALERT_FIELDS).find((x) => x.name === c.path);
    if (f.type === 'enum') {
      const nums = f.repeated ? value[c.path] : [value[c.path]];
      if (nums.some((n) => !(n >= 1 && n < ENUMS[f.enum].length))) {
        return fail('CLAIM_INVALID_VALUE');
      }
    }
    if (paths.includes(c.path)) return fail('DUPLICATE_PATH');
    paths.push(c.path);
    fields[c.path] = value[c.path];
  }
  // 11. the key signs new items for the origin at issued_at (KEY-18): the key at that time, and
  // not one a revocation replaced, whatever time the item claims.
  if (
    heldLog !== undefined &&
    heldLog[0].node_id === h.origin_node_id &&
    !(keyTrusted(heldLog, h.origin_public_key, h.issued_at) &&
      revokedSince(heldLog, h.origin_public_key) === null)
  ) {
    return fail('KEY_NOT_TRUSTED');
  }
  return { ok: true, header: h, fields, paths: [...paths].sort() };
}

// ---------------------------------------------------------------- hop statements (RELAY-8)

const HOP_STATEMENT_TYPE = 'bdx.v1.HopStatement';
const HEADER_DIGEST_CONTEXT = 'bdx/v1/header-digest';
const headerDigest = (header) => sha256(LP(ascii(HEADER_DIGEST_CONTEXT), header));

// RELAY-8.1 to RELAY-8.4 for one feed item with content whose envelope passed
// SIG-7 (`h` is its parsed header). `item` holds relay_hops, hops_left, statements (SignedHop bytes),
// sender, receiver, limit (the receiver's max_relay_hops from the sender, or 0),
// knowsOrigin and acceptRelayed. Returns [outcome, detail]: ['VALID', null],
// ['IGNORED', 'THROUGH_RECEIVER'], or the FEED-8 reason and the RELAY-8 check.
function verifyHops(header, h, item) {
  const invalid = (d) => ['HOP_STATEMENT_INVALID', d];
  const notAllowed = (d) => ['RELAY_NOT_ALLOWED', d];
  const r = BigInt(item.relay_hops);
  const left = BigInt(item.hops_left);
  const n = item.statements.length;
  // 8.1 shape and signatures
  const countFits = r === 0n ? n === 1 || (n === 0 && left === 0n) : BigInt(n) - 1n === r;
  if (!countFits || n > 9) return invalid('STATEMENT_COUNT');
  const digest = headerDigest(header);
  const st = [];
  for (const bytes of item.statements) {
    let sh;
    let s;
    try {
      sh = parse(bytes, SIGNED_HOP);
      if (hasUnknown(sh) || sh.statement.length > 1024) return invalid('STATEMENT_MALFORMED');
      s = parse(sh.statement, HOP_STATEMENT);
    } catch (e) {
      if (e instanceof Malformed) return invalid('STATEMENT_MALFORMED');
      throw e;
    }
    if (hasUnknown(s) || sh.signature.length !== 64) return invalid('STATEMENT_MALFORMED');
    if (s.from_public_key.length !== 32) return invalid('STATEMENT_KEY_MALFORMED');
    if (nodeIdOf(s.from_public_key) !== s.from_node_id) return invalid('STATEMENT_ID_MISMATCH');
    if (!ed25519Verify(s.from_public_key, signingInput(HOP_STATEMENT_TYPE, sh.statement), sh.signature)) {
      return invalid('STATEMENT_BAD_SIGNATURE');
    }
    if (!bytesEqual(s.header_digest, digest)) return invalid('STATEMENT_OTHER_ALERT');
    st.push(s);
  }
  if (n > 0) {
    // 8.2 links
    if (st[0].from_node_id !== h.origin_node_id || !bytesEqual(st[0].from_public_key, h.origin_public_key)) {
      return invalid('NOT_FROM_ORIGIN');
    }
    for (let i = 1; i < n; i++) {
      if (st[i].from_node_id !== st[i - 1].to_node_id) return invalid('BROKEN_LINK');
    }
    if (st[n - 1].from_node_id !== item.sender) return invalid('NOT_FROM_SENDER');
    if (st[n - 1].to_node_id !== item.receiver) return invalid('NOT_TO_RECEIVER');
    const signers = st.map((x) => x.from_node_id);
    if (new Set(signers).size !== n) return invalid('SIGNED_TWICE');
    if (signers.includes(item.receiver)) return ['IGNORED', 'THROUGH_RECEIVER'];
    // 8.3 counts
    let prev = BigInt(st[0].hops_left);
    if (prev > BigInt(h.max_hops)) return notAllowed('ABOVE_MAX_HOPS');
    for (let i = 1; i < n; i++) {
      const hi = BigInt(st[i].hops_left);
      if (hi > prev - 1n) return notAllowed('HOPS_RAISED');
      prev = hi;
    }
    if (left !== prev) return notAllowed('ITEM_HOPS_LEFT');
    if (prev > BigInt(item.limit)) return notAllowed('ABOVE_GRANT');
  }
  // 8.4 origin acceptance
  if (r >= 1n && !item.knowsOrigin && !item.acceptRelayed) {
    return ['RELAYED_ORIGIN_NOT_ACCEPTED', 'ORIGIN_NOT_ACCEPTED'];
  }
  return ['VALID', null];
}

// ---------------------------------------------------------------- agreements (AGR-2, AGR-5)

const AGREEMENT_TERMS_TYPE = 'bdx.v1.AgreementTerms';

// AGR-5 steps 1-5 (the signature checks; step 6, the terms rules of AGR-3 and
// AGR-4, is checked separately). Returns 'VALID' or the outcome name.
function verifyAgreement(signedBytes, requireAcceptor) {
  let sa;
  try {
    sa = parse(signedBytes, SIGNED_AGREEMENT);
  } catch (e) {
    if (e instanceof Malformed) return 'AGREEMENT_MALFORMED';
    throw e;
  }
  if (hasUnknown(sa)) return 'AGREEMENT_MALFORMED';
  if (sa.terms.length === 0 || sa.terms.length > 16384) return 'AGREEMENT_MALFORMED';
  if (sa.proposer_signature.length !== 64) return 'AGREEMENT_MALFORMED';
  if (sa.acceptor_signature.length !== 0 && sa.acceptor_signature.length !== 64) {
    return 'AGREEMENT_MALFORMED';
  }
  let t;
  try {
    t = parse(sa.terms, AGREEMENT_TERMS);
  } catch (e) {
    if (e instanceof Malformed) return 'TERMS_MALFORMED';
    throw e;
  }
  if (hasUnknown(t)) return 'TERMS_MALFORMED';
  if (t.proposer_public_key.length !== 32 || nodeIdOf(t.proposer_public_key) !== t.proposer_node_id) {
    return 'PROPOSER_KEY_MISMATCH';
  }
  if (t.acceptor_public_key.length !== 32 || nodeIdOf(t.acceptor_public_key) !== t.acceptor_node_id) {
    return 'ACCEPTOR_KEY_MISMATCH';
  }
  const si = signingInput(AGREEMENT_TERMS_TYPE, sa.terms);
  if (!ed25519Verify(t.proposer_public_key, si, sa.proposer_signature)) {
    return 'BAD_PROPOSER_SIGNATURE';
  }
  if (sa.acceptor_signature.length === 0) {
    if (requireAcceptor) return 'ACCEPTOR_SIGNATURE_MISSING';
  } else if (!ed25519Verify(t.acceptor_public_key, si, sa.acceptor_signature)) {
    return 'BAD_ACCEPTOR_SIGNATURE';
  }
  return termsValid(t) ? 'VALID' : 'TERMS_INVALID';
}

// AGR-3 and AGR-4 (AGR-5 step 6), for terms whose keys already match their ids.
function termsValid(t) {
  const isNodeId = (id) => id.length === 55 && id.startsWith('bdx') && base32Decode(id.slice(3), 32) !== null;
  return (
    base32Decode(t.agreement_id, 16) !== null &&
    t.version >= 1n &&
    t.version <= MAX_INT63 &&
    isNodeId(t.proposer_node_id) &&
    isNodeId(t.acceptor_node_id) &&
    t.proposer_node_id !== t.acceptor_node_id &&
    t.proposed_at > 0n &&
    t.proposer_to_acceptor !== null &&
    t.acceptor_to_proposer !== null &&
    directionValid(t.proposer_to_acceptor) &&
    directionValid(t.acceptor_to_proposer)
  );
}

// White space for AGR-4 areas (spec: trimming and blank areas).
const AREA_SPACE = /^[\u0009-\u000d\u001c-\u0020\u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]$/u;
const isControl = (cp) => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);
function trimArea(a) {
  const cps = [...a];
  let i = 0;
  let j = cps.length;
  while (i < j && AREA_SPACE.test(cps[i])) i++;
  while (j > i && AREA_SPACE.test(cps[j - 1])) j--;
  return cps.slice(i, j).join('');
}

function directionValid(d) {
  const known = (e, n) => n >= 1 && n < ENUMS[e].length;
  const distinct = (xs) => new Set(xs).size === xs.length;
  if (!known('PartnerClass', d.receiver_class)) return false;
  if (!d.harms.every((h) => known('HarmCategory', h)) || !distinct(d.harms)) return false;
  // AGR-4: a list beside its "all" flag is invalid.
  if ((d.all_harms && d.harms.length > 0) || (d.all_areas && d.areas.length > 0)) return false;
  if (d.areas.length > 100) return false;
  for (const a of d.areas) {
    const cps = [...a].map((c) => c.codePointAt(0));
    if (cps.length < 1 || cps.length > 100 || trimArea(a) === '') return false;
    if (cps.some(isControl)) return false;
  }
  // AGR-4.2: toLowerCase is the full default lower-case mapping (engine's Unicode data).
  if (!distinct(d.areas.map((a) => trimArea(a).toLowerCase()))) return false;
  if (!(d.min_severity === 0 || known('Severity', d.min_severity))) return false;
  if (!d.field_paths.every((p) => PATHS.includes(p)) || !distinct(d.field_paths)) return false;
  if (d.max_relay_hops > 8 || (!d.may_relay && d.max_relay_hops !== 0)) return false;
  return d.retention_days >= 1 && d.retention_days <= 3650;
}

// ---------------------------------------------------------------- key logs (KEY-1..KEY-9)

const KEY_EVENT_TYPE = 'bdx.v1.KeyEvent';
const NEXT_KEY_CONTEXT = 'bdx/v1/next-key';
const KEY_EVENT_DIGEST_CONTEXT = 'bdx/v1/key-event';
const nextKeyDigest = (pk) => sha256(LP(ascii(NEXT_KEY_CONTEXT), pk));
const keyEventDigest = (event) => sha256(LP(ascii(KEY_EVENT_DIGEST_CONTEXT), event));
const KEY_LOG_MAX_EVENTS = 64;
const KEY_EVENT_MAX_BYTES = 1024;
const KIND_INCEPTION = 1;
const KIND_ROTATION = 2;
const KIND_REVOCATION = 3;

// KEY-4, event by event; the first failing check decides. `signedEvents` are SignedKeyEvent
// bytes. Returns {outcome: 'VALID', events} (the parsed KeyEvents) or {outcome, index}.
function verifyKeyLog(nodeId, signedEvents) {
  const failAt = (outcome, index) => ({ outcome, index });
  if (signedEvents.length > KEY_LOG_MAX_EVENTS) return failAt('TOO_LONG', KEY_LOG_MAX_EVENTS);
  if (signedEvents.length === 0) return failAt('MALFORMED', 0);
  const events = [];
  for (let i = 0; i < signedEvents.length; i++) {
    // 4.2 strict parse and bounds
    let se;
    let e;
    try {
      se = parse(signedEvents[i], SIGNED_KEY_EVENT);
      if (hasUnknown(se) || se.event.length > KEY_EVENT_MAX_BYTES || se.signature.length !== 64) {
        return failAt('MALFORMED', i);
      }
      e = parse(se.event, KEY_EVENT);
    } catch (err) {
      if (err instanceof Malformed) return failAt('MALFORMED', i);
      throw err;
    }
    if (
      hasUnknown(e) ||
      ![KIND_INCEPTION, KIND_ROTATION, KIND_REVOCATION].includes(e.kind) ||
      e.public_key.length !== 32 ||
      e.next_key_digest.length !== 32 ||
      ![0, 32].includes(e.previous_event_digest.length)
    ) {
      return failAt('MALFORMED', i);
    }
    const prev = i === 0 ? null : events[i - 1];
    // 4.3 node id
    if (e.node_id !== nodeId) return failAt('NODE_ID_MISMATCH', i);
    if (prev === null && nodeIdOf(e.public_key) !== nodeId) return failAt('NODE_ID_MISMATCH', i);
    // 4.4 links
    const linked =
      prev === null
        ? e.kind === KIND_INCEPTION && e.previous_event_digest.length === 0
        : e.kind !== KIND_INCEPTION && bytesEqual(e.previous_event_digest, keyEventDigest(prev.bytes));
    if (e.sequence !== BigInt(i) || !linked) return failAt('BROKEN_CHAIN', i);
    // 4.5 pre-commitment, before the signature is checked under the key
    if (prev !== null && !bytesEqual(nextKeyDigest(e.public_key), prev.next_key_digest)) {
      return failAt('NOT_PRE_COMMITTED', i);
    }
    // 4.6 signature
    if (!ed25519Verify(e.public_key, signingInput(KEY_EVENT_TYPE, se.event), se.signature)) {
      return failAt('BAD_SIGNATURE', i);
    }
    // 4.7 time
    if (e.valid_from <= 0n || (prev !== null && e.valid_from < prev.valid_from)) {
      return failAt('TIME_GOES_BACK', i);
    }
    // 4.8 revocation
    const since = e.compromised_since;
    const badSince =
      e.kind === KIND_REVOCATION ? since <= 0n || since > e.valid_from : since !== 0n;
    if (badSince) return failAt('INVALID_REVOCATION', i);
    // 4.9 no key used twice
    const used = [...events.map((x) => x.public_key), e.public_key];
    if (used.some((k) => bytesEqual(nextKeyDigest(k), e.next_key_digest))) {
      return failAt('KEY_REUSED', i);
    }
    events.push({ ...e, bytes: se.event });
  }
  return { outcome: 'VALID', events };
}

// KEY-6: the key of the last event whose valid_from <= t; the first key before every later one.
function keyAt(events, t) {
  let key = events[0].public_key;
  for (let i = 1; i < events.length && events[i].valid_from <= t; i++) key = events[i].public_key;
  return key;
}

// KEY-7: compromised_since of the REVOCATION that replaced `key`, or null.
function revokedSince(events, key) {
  for (let i = 1; i < events.length; i++) {
    if (events[i].kind === KIND_REVOCATION && bytesEqual(events[i - 1].public_key, key)) {
      return events[i].compromised_since;
    }
  }
  return null;
}

// KEY-6, KEY-7: an item signed by `key` with issue time `t` is trusted.
function keyTrusted(events, key, t) {
  if (!bytesEqual(keyAt(events, t), key)) return false;
  const since = revokedSince(events, key);
  return since === null || t < since;
}

// ---------------------------------------------------------------- vector files

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, '..', 'vectors'));

let passed = 0;
let failed = 0;

function check(file, name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok    ${file} ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${file} ${name}: ${e.message}`);
    if (process.env.BDX_VERIFY_DEBUG) console.log(e.stack);
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}
function expectEq(actual, expected, what) {
  const a = JSON.stringify(actual, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: got ${a.slice(0, 200)}, want ${b.slice(0, 200)}`);
}
const expectHex = (actual, expected, what) => expectEq(hex(actual), expected, what);

function checkKey(c, seedKey, pkKey, idKey) {
  const pk = publicKeyFromSeed(unhex(c[seedKey]));
  expectHex(pk, c[pkKey], pkKey);
  if (idKey) expectEq(nodeIdOf(pk), c[idKey], idKey);
  return pk;
}

const RFC8032_TEST1_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

function nodeIdFile(file, v) {
  expectEq(v.context, NODE_ID_CONTEXT, 'context');
  for (const c of v.cases) {
    check(file, c.name, () => {
      const pk = checkKey(c, 'seed', 'public_key');
      if (c.name === 'rfc8032_test1') expectEq(c.public_key, RFC8032_TEST1_PUBLIC, 'RFC 8032 key');
      expectHex(nodeIdHashInput(pk), c.hash_input, 'hash_input');
      const id = nodeIdOf(pk);
      expectEq(id, c.node_id, 'node_id');
      expect(id.length === 55 && base32Decode(id.slice(3), 32) !== null, 'node id not canonical');
      expectEq(fingerprintOf(id), c.fingerprint, 'fingerprint');
    });
  }
}

function claimDigestFile(file, v) {
  expectEq(v.context, CLAIM_DIGEST_CONTEXT, 'context');
  for (const c of v.cases) {
    check(file, c.name, () => {
      const claim = unhex(c.claim);
      const parsed = parse(claim, CLAIM);
      expect(!hasUnknown(parsed), 'claim has unknown fields');
      expectEq(parsed.path, c.path, 'path');
      expectEq(toJson(parsed.value, ALERT_FIELDS), c.value_json, 'value');
      expectHex(claimDigestInput(unhex(c.salt), claim), c.digest_input, 'digest_input');
      expectHex(claimDigest(unhex(c.salt), claim), c.digest, 'digest');
    });
  }
}

function alertSignatureFile(file, v) {
  expectEq(v.signature_context, SIGNATURE_CONTEXT, 'signature_context');
  expectEq(v.payload_type, ALERT_HEADER_TYPE, 'payload_type');
  const byName = Object.fromEntries(v.cases.map((c) => [c.name, c]));
  for (const c of v.cases) {
    check(file, c.name, () => {
      const seed = unhex(c.seed);
      checkKey(c, 'seed', 'public_key', 'node_id');
      const header = unhex(c.header);
      const h = parse(header, ALERT_HEADER);
      expect(!hasUnknown(h), 'header has unknown fields');
      expectEq(toJson(h, ALERT_HEADER), dropDefaults(c.header_fields), 'header_fields');
      const si = signingInput(ALERT_HEADER_TYPE, header);
      expectHex(si, c.signing_input, 'signing_input');
      expectHex(sign(seed, si), c.signature, 'signature (Ed25519 is deterministic)');
      expect(ed25519Verify(unhex(c.public_key), si, unhex(c.signature)), 'signature does not verify');
      const env = parse(unhex(c.envelope), SIGNED_ALERT);
      expectHex(env.header, c.header, 'envelope header');
      expectHex(env.signature, c.signature, 'envelope signature');
      expectEq(env.disclosures.length, c.disclosures.length, 'disclosure count');
      const digests = new Set(h.claim_digests.map(hex));
      c.disclosures.forEach((d, i) => {
        expectHex(env.disclosures[i].salt, d.salt, `disclosure ${i} salt`);
        expectHex(env.disclosures[i].claim, d.claim, `disclosure ${i} claim`);
        expectHex(claimDigest(unhex(d.salt), unhex(d.claim)), d.digest, `disclosure ${i} digest`);
        expect(digests.has(d.digest), `disclosure ${i} digest not in header`);
        expectEq(parse(unhex(d.claim), CLAIM).path, d.path, `disclosure ${i} path`);
      });
      const r = verifyEnvelope(unhex(c.envelope), c.node_id);
      expect(r.ok, `envelope does not verify: ${r.reason}`);
      expectEq(r.paths, c.disclosed_paths, 'disclosed_paths');
      expectEq(toJson(r.fields, ALERT_FIELDS), c.fields_json, 'fields');
      // SIG-8: a subset carries the same header and signature, fewer disclosures.
      if (c.name === 'active_subset') {
        const full = byName.active_twelve_fields;
        expect(full, 'no active_twelve_fields case');
        expectEq(c.header, full.header, 'subset header');
        expectEq(c.signature, full.signature, 'subset signature');
        const fullClaims = new Set(full.disclosures.map((d) => d.salt + d.claim));
        expect(c.disclosures.every((d) => fullClaims.has(d.salt + d.claim)), 'not a subset');
        expect(c.disclosures.length < full.disclosures.length, 'subset is not smaller');
      }
    });
  }
}

// header_fields lists every field; the JSON mapping omits defaults.
function dropDefaults(o) {
  return Object.fromEntries(
    Object.entries(o).filter(([, x]) => x !== 0 && x !== '' && !(Array.isArray(x) && x.length === 0)),
  );
}

const SIG7_REASONS = [
  'ENVELOPE_MALFORMED', 'SIGNATURE_LENGTH', 'HEADER_TOO_LARGE', 'TOO_MANY_DISCLOSURES',
  'CLAIM_TOO_LARGE', 'HEADER_MALFORMED', 'HEADER_UNKNOWN_FIELDS',
  'UNSUPPORTED_DIGEST_ALGORITHM', 'ORIGIN_KEY_MALFORMED', 'ORIGIN_ID_MISMATCH',
  'UNEXPECTED_ORIGIN', 'BAD_SIGNATURE', 'INVALID_ALERT_ID', 'INVALID_VERSION',
  'INVALID_STATUS', 'INVALID_AUDIENCE', 'INVALID_VALIDITY', 'DIGEST_MALFORMED',
  'DUPLICATE_DIGEST', 'DIGESTS_NOT_SORTED', 'DIGEST_COUNT', 'RETRACTION_WITH_DISCLOSURES',
  'SALT_LENGTH', 'DIGEST_NOT_IN_HEADER', 'CLAIM_MALFORMED', 'CLAIM_UNKNOWN_FIELDS',
  'UNKNOWN_PATH', 'CLAIM_VALUE_MISMATCH', 'CLAIM_INVALID_VALUE', 'DUPLICATE_PATH',
  'KEY_NOT_TRUSTED',
];
// Reached only against a held key log: their cases are in key-time.json.
const HELD_LOG_REASONS = ['KEY_NOT_TRUSTED'];

function negativeFile(file, v) {
  expectEq(nodeIdOf(publicKeyFromSeed(unhex(v.origin_seed))), v.origin_node_id, 'origin_node_id');
  for (const c of v.cases) {
    check(file, c.name, () => {
      expect(SIG7_REASONS.includes(c.reason), `unknown reason ${c.reason}`);
      const r = verifyEnvelope(unhex(c.envelope), c.expected_origin);
      expect(!r.ok, 'envelope verified, must fail');
      expectEq(r.reason, c.reason, 'reason');
    });
  }
  check(file, '(every SIG-7 reason has a case)', () => {
    const missing = SIG7_REASONS.filter(
      (r) => !HELD_LOG_REASONS.includes(r) && !v.cases.some((c) => c.reason === r),
    );
    expect(missing.length === 0, `no case for ${missing.join(', ')}`);
  });
}

function keyTimeFile(file, v) {
  const logs = {};
  check(file, '(logs)', () => {
    for (const [name, events] of Object.entries(v.logs)) {
      const r = verifyKeyLog(v.origin_node_id, events.map(unhex));
      expectEq(r.outcome, 'VALID', `log ${name}`);
      logs[name] = r.events;
    }
  });
  for (const c of v.cases) {
    check(file, c.name, () => {
      expect(c.outcome === 'VALID' || SIG7_REASONS.includes(c.outcome), `unknown ${c.outcome}`);
      const held = c.held_log === undefined ? undefined : logs[c.held_log];
      expect(c.held_log === undefined || held !== undefined, `no log ${c.held_log}`);
      const r = verifyEnvelope(unhex(c.envelope), undefined, held);
      expectEq(r.ok ? 'VALID' : r.reason, c.outcome, 'outcome');
    });
  }
  check(file, '(every held-log reason has a case)', () => {
    const missing = HELD_LOG_REASONS.filter((r) => !v.cases.some((c) => c.outcome === r));
    expect(missing.length === 0, `no case for ${missing.join(', ')}`);
  });
}

const AGREEMENT_OUTCOMES = [
  'VALID', 'AGREEMENT_MALFORMED', 'TERMS_MALFORMED', 'PROPOSER_KEY_MISMATCH',
  'ACCEPTOR_KEY_MISMATCH', 'BAD_PROPOSER_SIGNATURE', 'ACCEPTOR_SIGNATURE_MISSING',
  'BAD_ACCEPTOR_SIGNATURE', 'TERMS_INVALID',
];

function agreementFile(file, v) {
  expectEq(v.signature_context, SIGNATURE_CONTEXT, 'signature_context');
  expectEq(v.payload_type, AGREEMENT_TERMS_TYPE, 'payload_type');
  check(file, '(parties)', () => {
    checkKey(v, 'proposer_seed', 'proposer_public_key', 'proposer_node_id');
    checkKey(v, 'acceptor_seed', 'acceptor_public_key', 'acceptor_node_id');
  });
  for (const c of v.cases) {
    check(file, c.name, () => {
      expect(AGREEMENT_OUTCOMES.includes(c.outcome), `unknown outcome ${c.outcome}`);
      if ('terms' in c) {
        // A case that spells out the terms and signatures: reproduce them.
        const terms = unhex(c.terms);
        const t = parse(terms, AGREEMENT_TERMS);
        if (c.terms_fields) expectEq(toJson(t, AGREEMENT_TERMS), c.terms_fields, 'terms_fields');
        const si = signingInput(AGREEMENT_TERMS_TYPE, terms);
        expectHex(si, c.signing_input, 'signing_input');
        const sa = parse(unhex(c.signed_agreement), SIGNED_AGREEMENT);
        expectHex(sa.terms, c.terms, 'signed_agreement terms');
        expectHex(sa.proposer_signature, c.proposer_signature, 'signed_agreement proposer_signature');
        expectHex(sa.acceptor_signature, c.acceptor_signature, 'signed_agreement acceptor_signature');
        if (c.outcome === 'VALID') {
          // An amendment may be proposed by either party (AGR-12.1): sign with the seed of the
          // key the terms name as proposer's, and the other as acceptor's.
          const swapped = hex(t.proposer_public_key) === v.acceptor_public_key;
          const [pSeed, aSeed] = swapped
            ? [v.acceptor_seed, v.proposer_seed]
            : [v.proposer_seed, v.acceptor_seed];
          expectHex(sign(unhex(pSeed), si), c.proposer_signature, 'proposer_signature');
          if (c.acceptor_signature !== '') {
            expectHex(sign(unhex(aSeed), si), c.acceptor_signature, 'acceptor_signature');
          }
        }
      }
      const outcome = verifyAgreement(unhex(c.signed_agreement), c.require_acceptor === true);
      expectEq(outcome, c.outcome, 'outcome');
    });
  }
  check(file, '(every outcome has a case)', () => {
    const missing = AGREEMENT_OUTCOMES.filter((o) => !v.cases.some((c) => c.outcome === o));
    expect(missing.length === 0, `no case for ${missing.join(', ')}`);
  });
}

// ---------------------------------------------------------------- feeds (FEED-7..FEED-9, VER-6, RELAY-2)

const FEED_OUTCOMES = ['stored', 'merged', 'withdrawn', 'stale', 'ignored', 'expired', 'rejected'];
const FEED8_REASONS = [
  'ITEM_MALFORMED', 'AGREEMENT_MISMATCH', 'VERIFICATION_FAILED', 'HOP_STATEMENT_INVALID',
  'RELAY_NOT_ALLOWED', 'RELAYED_ORIGIN_NOT_ACCEPTED',
  'FIELD_NOT_GRANTED', 'NOT_GRANTED', 'NO_RETENTION', 'FUTURE_DATED',
];
const isRetraction = (status) => enumName('AlertStatus', status) === 'ALERT_STATUS_RETRACTED';

// Section 9 as FEED-8 check 6 applies it to what an item discloses: POL-1, POL-4 to POL-7; a value
// the terms restrict but the item withholds fails (fail closed). POL-2 is check 5.
function policyAdmits(header, fields, terms) {
  const known = (e, n) => n >= 1 && n < ENUMS[e].length;
  if (!known('Audience', header.audience) || !known('PartnerClass', terms.receiver_class)) return false;
  if (header.audience < terms.receiver_class) return false; // POL-1: ranks PEER < SUPPORT < POLICE
  const status = enumName('AlertStatus', header.status);
  if (status !== 'ALERT_STATUS_ACTIVE' && status !== 'ALERT_STATUS_UPDATED') return false; // POL-4
  if (!terms.all_harms) {
    const harms = fields.harms ?? [];
    if (harms.length === 0 || !harms.every((h) => terms.harms.includes(h))) return false; // POL-5
  }
  if (!terms.all_areas) {
    const norm = (a) => trimArea(a).toLowerCase();
    if (fields.area === undefined || !terms.areas.some((a) => norm(a) === norm(fields.area))) {
      return false; // POL-6
    }
  }
  if (terms.min_severity !== 0) {
    if (!known('Severity', terms.min_severity)) return false; // POL-7: met by nothing
    if ((fields.severity ?? 0) < terms.min_severity) return false;
  }
  return true;
}

// FEED-8, in order, for one item from partner `p`; then FEED-9 on `store`. Returns
// {outcome, reason?, verification_reason?}.
function receiveItem(store, p, itemBytes, receiver, partners) {
  const rejected = (reason, extra = {}) => ({ outcome: 'rejected', reason, ...extra });
  // Check 1 (an ACTIVE agreement) holds: the vectors send only from the case's partners.
  let item;
  try {
    item = parse(itemBytes, FEED_ITEM);
  } catch (e) {
    if (e instanceof Malformed) return rejected('ITEM_MALFORMED');
    throw e;
  }
  // FEED-7: a sequence at or below the cursor is not applied again; any other advances it.
  if (item.sequence >= 1n && item.sequence <= p.cursor) return { outcome: 'stale' };
  if (item.sequence > p.cursor) p.cursor = item.sequence;
  // 2
  if (item.alert === null || item._unknown.length > 0 || item.sequence < 1n) {
    return rejected('ITEM_MALFORMED');
  }
  // 3
  if (item.agreement_id !== p.agreement_id) return rejected('AGREEMENT_MISMATCH');
  // 4: SIG-7, with the partner as expected origin unless relayed; RELAY-5; RELAY-2
  const r = BigInt(item.relay_hops);
  const left = BigInt(item.hops_left);
  const v = verifyEnvelope(item.alert, r === 0n ? p.node_id : undefined);
  if (!v.ok) return rejected('VERIFICATION_FAILED', { verification_reason: v.reason });
  const h = v.header;
  if (h.origin_node_id === receiver.node_id) return { outcome: 'ignored' };
  if (v.paths.length === 0) {
    // A header-only item carries no hop statements; its counts pass RELAY-2.
    if (item.hops.length > 0) return rejected('HOP_STATEMENT_INVALID');
    const m = BigInt(h.max_hops);
    if ((r >= 1n && h.origin_node_id === p.node_id) || r > m || r + left > m) {
      return rejected('RELAY_NOT_ALLOWED');
    }
  } else {
    // An item with content: RELAY-8, its signed path back to the origin.
    const header = parse(item.alert, SIGNED_ALERT).header;
    const [outcome] = verifyHops(header, h, {
      relay_hops: item.relay_hops,
      hops_left: item.hops_left,
      statements: item.hops,
      sender: p.node_id,
      receiver: receiver.node_id,
      limit: p.terms.may_relay ? p.terms.max_relay_hops : 0,
      knowsOrigin: [...partners.values()].some((x) => x.node_id === h.origin_node_id),
      acceptRelayed: p.terms.accept_relayed === true,
    });
    if (outcome === 'IGNORED') return { outcome: 'ignored' };
    if (outcome !== 'VALID') return rejected(outcome);
  }
  // 5
  if (!v.paths.every((path) => p.terms.field_paths.includes(path))) {
    return rejected('FIELD_NOT_GRANTED');
  }
  // 6, for items with content only (VER-6)
  if (v.paths.length > 0 && !policyAdmits(h, v.fields, p.terms)) return rejected('NOT_GRANTED');
  // 7
  if (p.terms.retention_days < 1) return rejected('NO_RETENTION');
  // 8 (TIME-2)
  if (h.issued_at > receiver.now + receiver.skew) return rejected('FUTURE_DATED');
  // 9 (TIME-3)
  if (h.expires_at <= receiver.now) return { outcome: 'expired' };
  return { outcome: keepCopy(store, p.name, v) };
}

// FEED-9 and VER-6 for an accepted item from partner `from`. The held alert of (origin, alert id):
// its version and status, the claims it holds by path, and a copy record per partner: the newest
// version it sent and the claim paths it gives of the held version.
function keepCopy(store, from, v) {
  const h = v.header;
  const key = `${h.origin_node_id} ${h.alert_id}`;
  const version = h.version;
  const retraction = isRetraction(h.status);
  const headerOnly = v.paths.length === 0;
  const claims = new Map(v.paths.map((path) => [path, v.fields[path]]));
  const record = (paths) => ({ version, paths: new Set(paths) });
  const held = store.get(key);
  // 9.2 nothing held: a retraction or content is stored, a withdrawal ignored
  if (held === undefined) {
    if (headerOnly && !retraction) return 'ignored';
    store.set(key, { version, status: h.status, claims, copies: new Map([[from, record(v.paths)]]) });
    return 'stored';
  }
  // 9.1 per path, nothing twice
  const mine = held.copies.get(from);
  if (mine !== undefined && mine.version >= version) return 'stale';
  // 9.3 a held retraction is final
  if (isRetraction(held.status)) return 'stale';
  // 9.3 the origin's retraction, or newer content, replaces what every path gave
  if (retraction || (!headerOnly && version > held.version)) {
    if (version <= held.version) return 'stale';
    for (const c of held.copies.values()) c.paths = new Set();
    Object.assign(held, { version, status: h.status, claims });
    held.copies.set(from, record(v.paths));
    return 'stored';
  }
  // 9.4 content of the held version joins it; older content is stale
  if (!headerOnly) {
    if (version < held.version) {
      held.copies.set(from, record([]));
      return 'stale';
    }
    held.copies.set(from, record(v.paths));
    const added = v.paths.filter((path) => !held.claims.has(path));
    for (const path of added) held.claims.set(path, v.fields[path]);
    return added.length > 0 ? 'merged' : 'stale';
  }
  // 9.5 a withdrawal by `from` removes only the claims no other copy record gives; its record
  // takes the version either way
  const gave = mine !== undefined && mine.paths.size > 0;
  held.copies.set(from, record([]));
  if (!gave) return 'ignored';
  const remaining = new Set([...held.copies.values()].flatMap((c) => [...c.paths]));
  if (remaining.size === 0) {
    Object.assign(held, { version, status: h.status, claims: new Map() }); // VER-6 tombstone
  } else {
    for (const path of [...held.claims.keys()]) if (!remaining.has(path)) held.claims.delete(path);
  }
  return 'withdrawn';
}

// What the vectors record of a held alert (spec/vectors/README.md).
function heldView(held) {
  if (held === undefined) return null;
  const paths = [...held.claims.keys()].sort();
  const copies = {};
  for (const name of [...held.copies.keys()].sort()) {
    const c = held.copies.get(name);
    copies[name] = { version: Number(c.version), disclosed_paths: [...c.paths].sort() };
  }
  return {
    version: Number(held.version),
    status: enumName('AlertStatus', held.status),
    tombstone: paths.length === 0 || isRetraction(held.status),
    disclosed_paths: paths,
    fields_json: toJson(Object.fromEntries(held.claims), ALERT_FIELDS),
    copies,
  };
}

// JSON with object keys sorted, to compare values whatever the order of their keys.
const canonical = (x) =>
  JSON.stringify(x, (k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((key) => [key, v[key]]))
      : v,
  );

// The informative item_fields, read back from the item bytes without verifying them, and the
// (origin, alert id) of the item's alert.
function itemFieldsOf(itemBytes, parties) {
  const item = parse(itemBytes, FEED_ITEM);
  const env = parse(item.alert, SIGNED_ALERT);
  const h = parse(env.header, ALERT_HEADER);
  const origin = Object.keys(parties).find((n) => parties[n].node_id === h.origin_node_id);
  const fields = {
    sequence: Number(item.sequence),
    agreement_id: item.agreement_id,
    relay_hops: item.relay_hops,
    hops_left: item.hops_left,
    origin,
    alert_id: h.alert_id,
    version: Number(h.version),
    status: enumName('AlertStatus', h.status),
    audience: enumName('Audience', h.audience),
    max_hops: h.max_hops,
    issued_at: Number(h.issued_at),
    expires_at: Number(h.expires_at),
    disclosed_paths: env.disclosures.map((d) => parse(d.claim, CLAIM).path).sort(),
  };
  return [fields, `${h.origin_node_id} ${h.alert_id}`];
}

function feedFile(file, v) {
  expectEq(v.outcomes, FEED_OUTCOMES, 'outcomes');
  check(file, '(parties)', () => {
    for (const p of Object.values(v.parties)) checkKey(p, 'seed', 'public_key', 'node_id');
  });
  for (const c of v.cases) {
    check(file, c.name, () => {
      const receiver = {
        node_id: c.receiver.node_id,
        now: BigInt(c.receiver.now),
        skew: BigInt(c.receiver.max_skew_seconds),
      };
      const partners = new Map();
      for (const p of c.partners) {
        const terms = parse(unhex(p.inbound_terms), DIRECTION_TERMS);
        expect(!hasUnknown(terms), `${p.name}: inbound_terms has unknown fields`);
        expectEq(toJson(terms, DIRECTION_TERMS), p.inbound_terms_json, `${p.name} inbound_terms_json`);
        partners.set(p.name, { ...p, terms, cursor: 0n });
      }
      const store = new Map();
      c.steps.forEach((s, i) => {
        const at = `step ${i}`;
        const bytes = unhex(s.item);
        const [fields, key] = itemFieldsOf(bytes, v.parties);
        expectEq(fields, s.item_fields, `${at} item_fields`);
        const p = partners.get(s.from);
        expect(p, `${at}: no partner named ${s.from}`);
        const got = receiveItem(store, p, bytes, receiver, partners);
        expect(FEED_OUTCOMES.includes(s.outcome), `${at}: unknown outcome ${s.outcome}`);
        if (s.reason !== undefined) expect(FEED8_REASONS.includes(s.reason), `${at}: unknown reason`);
        expectEq(got.outcome, s.outcome, `${at} outcome`);
        expectEq(got.reason ?? null, s.reason ?? null, `${at} reason`);
        expectEq(got.verification_reason ?? null, s.verification_reason ?? null, `${at} verification_reason`);
        const a = canonical(heldView(store.get(key)));
        const b = canonical(s.held);
        if (a !== b) throw new Error(`${at} held: got ${a.slice(0, 300)}, want ${b.slice(0, 300)}`);
      });
    });
  }
  check(file, '(every outcome has a step)', () => {
    const seen = new Set(v.cases.flatMap((c) => c.steps.map((s) => s.outcome)));
    const missing = FEED_OUTCOMES.filter((o) => !seen.has(o));
    expect(missing.length === 0, `no step for ${missing.join(', ')}`);
  });
}

const HOP_OUTCOMES = [
  'VALID', 'HOP_STATEMENT_INVALID', 'IGNORED', 'RELAY_NOT_ALLOWED', 'RELAYED_ORIGIN_NOT_ACCEPTED',
];
const HOP_DETAILS = [
  'STATEMENT_COUNT', 'STATEMENT_MALFORMED', 'STATEMENT_KEY_MALFORMED', 'STATEMENT_ID_MISMATCH',
  'STATEMENT_BAD_SIGNATURE', 'STATEMENT_OTHER_ALERT', 'NOT_FROM_ORIGIN', 'BROKEN_LINK',
  'NOT_FROM_SENDER', 'NOT_TO_RECEIVER', 'SIGNED_TWICE', 'THROUGH_RECEIVER', 'ABOVE_MAX_HOPS',
  'HOPS_RAISED', 'ITEM_HOPS_LEFT', 'ABOVE_GRANT', 'ORIGIN_NOT_ACCEPTED',
];

function hopStatementFile(file, v) {
  expectEq(v.signature_context, SIGNATURE_CONTEXT, 'signature_context');
  expectEq(v.payload_type, HOP_STATEMENT_TYPE, 'payload_type');
  expectEq(v.digest_context, HEADER_DIGEST_CONTEXT, 'digest_context');
  const seeds = {};
  check(file, '(nodes)', () => {
    for (const [name, n] of Object.entries(v.nodes)) {
      checkKey(n, 'seed', 'public_key', 'node_id');
      seeds[n.node_id] = unhex(n.seed);
      expect(name.length > 0, 'node name');
    }
    expectEq(v.receiver, v.nodes.receiver.node_id, 'receiver');
  });
  for (const c of v.cases) {
    check(file, c.name, () => {
      expect(HOP_OUTCOMES.includes(c.outcome), `unknown outcome ${c.outcome}`);
      const env = verifyEnvelope(unhex(c.envelope));
      expect(env.ok, `the alert does not verify: ${env.reason}`);
      const header = parse(unhex(c.envelope), SIGNED_ALERT).header;
      expectHex(headerDigest(header), c.header_digest, 'header_digest');
      const statements = c.statements.map(unhex);
      const [outcome, detail] = verifyHops(header, env.header, {
        relay_hops: c.relay_hops,
        hops_left: c.hops_left,
        statements,
        sender: c.sender,
        receiver: v.receiver,
        limit: c.receiver_limit,
        knowsOrigin: c.receiver_knows_origin === true,
        acceptRelayed: c.accept_relayed === true,
      });
      expectEq(outcome, c.outcome, 'outcome');
      expectEq(detail, c.detail ?? null, 'detail');
      if (c.outcome === 'VALID') {
        // Ed25519 is deterministic: every statement's signature reproduces from its signer's seed.
        statements.forEach((b, i) => {
          const sh = parse(b, SIGNED_HOP);
          const st = parse(sh.statement, HOP_STATEMENT);
          expectEq(toJson(st, HOP_STATEMENT), dropDefaults(c.statement_fields[i]), `statement ${i} fields`);
          const seed = seeds[st.from_node_id];
          expect(seed, `statement ${i}: no seed for its signer`);
          expectHex(sign(seed, signingInput(HOP_STATEMENT_TYPE, sh.statement)), hex(sh.signature), `statement ${i} signature`);
        });
      }
    });
  }
  check(file, '(every outcome and every check has a case)', () => {
    const missing = HOP_OUTCOMES.filter((o) => !v.cases.some((c) => c.outcome === o));
    const missingDetails = HOP_DETAILS.filter((d) => !v.cases.some((c) => c.detail === d));
    expect(missing.length === 0, `no case for ${missing.join(', ')}`);
    expect(missingDetails.length === 0, `no case for ${missingDetails.join(', ')}`);
  });
}

const KEY_OUTCOMES = [
  'VALID', 'TOO_LONG', 'MALFORMED', 'NODE_ID_MISMATCH', 'BROKEN_CHAIN', 'NOT_PRE_COMMITTED',
  'BAD_SIGNATURE', 'TIME_GOES_BACK', 'INVALID_REVOCATION', 'KEY_REUSED',
];
const KIND_NAMES = { 1: 'KEY_EVENT_KIND_INCEPTION', 2: 'KEY_EVENT_KIND_ROTATION', 3: 'KEY_EVENT_KIND_REVOCATION' };

function keyEventFile(file, v) {
  expectEq(v.signature_context, SIGNATURE_CONTEXT, 'signature_context');
  expectEq(v.payload_type, KEY_EVENT_TYPE, 'payload_type');
  expectEq(v.next_key_context, NEXT_KEY_CONTEXT, 'next_key_context');
  expectEq(v.event_digest_context, KEY_EVENT_DIGEST_CONTEXT, 'event_digest_context');
  expectEq(v.max_events, KEY_LOG_MAX_EVENTS, 'max_events');
  expectEq(v.max_event_bytes, KEY_EVENT_MAX_BYTES, 'max_event_bytes');
  const seeds = {}; // public key hex -> seed
  check(file, '(keys)', () => {
    for (const [name, k] of Object.entries(v.keys)) {
      const pk = checkKey(k, 'seed', 'public_key', 'node_id');
      expectHex(nextKeyDigest(pk), k.next_key_digest, `${name} next_key_digest`);
      seeds[k.public_key] = unhex(k.seed);
    }
  });
  for (const c of v.cases) {
    check(file, c.name, () => {
      expect(KEY_OUTCOMES.includes(c.outcome), `unknown outcome ${c.outcome}`);
      const events = c.events.map(unhex);
      const r = verifyKeyLog(c.node_id, events);
      expectEq(r.outcome, c.outcome, 'outcome');
      if (r.outcome !== 'VALID') {
        expectEq(r.index, c.index, 'index');
        return;
      }
      r.events.forEach((e, i) => {
        // Informative fields, the digest and the signing input; Ed25519 is deterministic.
        const f = c.event_fields[i];
        expectEq(e.node_id, f.node_id, `event ${i} node_id`);
        expectEq(Number(e.sequence), f.sequence, `event ${i} sequence`);
        expectEq(KIND_NAMES[e.kind], f.kind, `event ${i} kind`);
        expectHex(e.public_key, f.public_key, `event ${i} public_key`);
        expectHex(e.next_key_digest, f.next_key_digest, `event ${i} next_key_digest`);
        expectHex(e.previous_event_digest, f.previous_event_digest, `event ${i} previous_event_digest`);
        expectEq(Number(e.valid_from), f.valid_from, `event ${i} valid_from`);
        expectEq(Number(e.compromised_since), f.compromised_since, `event ${i} compromised_since`);
        expectHex(keyEventDigest(e.bytes), f.event_digest, `event ${i} event_digest`);
        const si = signingInput(KEY_EVENT_TYPE, e.bytes);
        expectHex(si, f.signing_input, `event ${i} signing_input`);
        const seed = seeds[hex(e.public_key)];
        expect(seed, `event ${i}: no seed for its key`);
        expectHex(sign(seed, si), hex(parse(events[i], SIGNED_KEY_EVENT).signature), `event ${i} signature`);
      });
      for (const q of c.queries.key_at) {
        expectHex(keyAt(r.events, BigInt(q.time)), q.public_key, `key at ${q.time}`);
      }
      for (const q of c.queries.trusts) {
        expectEq(keyTrusted(r.events, unhex(q.public_key), BigInt(q.issued_at)), q.trusted,
          `trust of ${q.public_key.slice(0, 8)} at ${q.issued_at}`);
      }
      const revoked = r.events
        .map((e) => [hex(e.public_key), revokedSince(r.events, e.public_key)])
        .filter(([, since]) => since !== null)
        .map(([pk, since]) => ({ public_key: pk, compromised_since: Number(since) }));
      expectEq(revoked, c.queries.revoked, 'revoked');
    });
  }
  check(file, '(every outcome has a case)', () => {
    const missing = KEY_OUTCOMES.filter((o) => !v.cases.some((c) => c.outcome === o));
    expect(missing.length === 0, `no case for ${missing.join(', ')}`);
  });
}

const FILES = {
  'node-id.json': nodeIdFile,
  'claim-digest.json': claimDigestFile,
  'alert-signature.json': alertSignatureFile,
  'negative.json': negativeFile,
  'agreement-signature.json': agreementFile,
  'feed.json': feedFile,
  'hop-statement.json': hopStatementFile,
  'key-event.json': keyEventFile,
  'key-time.json': keyTimeFile,
};

const present = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
for (const file of present) {
  if (!(file in FILES)) {
    check(file, '(file)', () => {
      throw new Error('no checker for this file: add one to spec/verify-js/verify.mjs');
    });
  }
}
for (const [file, checker] of Object.entries(FILES)) {
  if (!present.includes(file)) {
    check(file, '(file)', () => {
      throw new Error(`missing from ${dir}`);
    });
    continue;
  }
  let v;
  try {
    v = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch (e) {
    check(file, '(file)', () => {
      throw e;
    });
    continue;
  }
  try {
    checker(file, v);
  } catch (e) {
    check(file, '(file)', () => {
      throw e;
    });
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
