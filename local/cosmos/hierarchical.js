// Effective partition keys of hierarchical (MultiHash, version 2) containers, computed as Cosmos DB and its SDKs do:
// each key component is encoded (a type marker, then the value), hashed with MurmurHash3 x64 128 (seed 0), its 16
// bytes reversed and the top two bits cleared; the components' hex strings are concatenated. The .NET SDK sends a
// query by a key prefix (the tenant alone) as the range [EPK(prefix), EPK(prefix) + "FF"), which the stand-in needs
// to scope the query to that prefix's items.
"use strict";

const MASK = (1n << 64n) - 1n;
const rotl = (x, r) => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & MASK;

function fmix(k) {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK;
  return k ^ (k >> 33n);
}

function murmur3x64_128(bytes) {
  const c1 = 0x87c37b91114253d5n;
  const c2 = 0x4cf5ad432745937fn;
  const mixK1 = (k) => (rotl((k * c1) & MASK, 31) * c2) & MASK;
  const mixK2 = (k) => (rotl((k * c2) & MASK, 33) * c1) & MASK;
  let h1 = 0n;
  let h2 = 0n;
  const blocks = bytes.length - (bytes.length % 16);
  for (let i = 0; i < blocks; i += 16) {
    h1 ^= mixK1(bytes.readBigUInt64LE(i));
    h1 = (((rotl(h1, 27) + h2) & MASK) * 5n + 0x52dce729n) & MASK;
    h2 ^= mixK2(bytes.readBigUInt64LE(i + 8));
    h2 = (((rotl(h2, 31) + h1) & MASK) * 5n + 0x38495ab5n) & MASK;
  }
  const tail = bytes.length - blocks;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = tail - 1; i >= 8; i--) k2 |= BigInt(bytes[blocks + i]) << BigInt(8 * (i - 8));
  for (let i = Math.min(tail, 8) - 1; i >= 0; i--) k1 |= BigInt(bytes[blocks + i]) << BigInt(8 * i);
  if (tail > 8) h2 ^= mixK2(k2);
  if (tail > 0) h1 ^= mixK1(k1);
  h1 ^= BigInt(bytes.length);
  h2 ^= BigInt(bytes.length);
  h1 = (h1 + h2) & MASK;
  h2 = (h2 + h1) & MASK;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) & MASK;
  h2 = (h2 + h1) & MASK;
  const hash = Buffer.alloc(16);
  hash.writeBigUInt64LE(h1, 0);
  hash.writeBigUInt64LE(h2, 8);
  return hash;
}

function encode(value) {
  if (typeof value === "string") return Buffer.concat([Buffer.from([0x08]), Buffer.from(value, "utf8"), Buffer.from([0xff])]);
  if (typeof value === "number") {
    const number = Buffer.alloc(9);
    number[0] = 0x05;
    number.writeDoubleLE(value, 1);
    return number;
  }
  if (value === true) return Buffer.from([0x03]);
  if (value === false) return Buffer.from([0x02]);
  if (value === null) return Buffer.from([0x01]);
  return Buffer.from([0x00]); // undefined: the item has no value at that path
}

/** The effective partition key of key values (all of a key, or a prefix), as upper-case hex. */
function effectivePartitionKey(values) {
  return values
    .map((value) => {
      const hash = murmur3x64_128(encode(value)).reverse();
      hash[0] &= 0x3f;
      return hash.toString("hex").toUpperCase();
    })
    .join("");
}

module.exports = { effectivePartitionKey };
