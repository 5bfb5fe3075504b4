// SHA-256 (FIPS 180-4) of a short ASCII text, in JavaScript: what every validation hashes (the
// 43-character secret of a token). Why not node:crypto on this path: its one-shot digest costs
// about 0.26 µs in a tight loop but about 1 µs per request inside an HTTP server, where the OpenSSL
// code it runs through (an EVP context set up and freed, provider dispatch, a string made of the
// result) has left the CPU caches by the next request. This is one loop over 512 bytes of tables,
// allocates nothing, and costs about 0.37 µs in a loop and half a µs in a server. (@noble/hashes,
// general and streaming, costs 1.7 µs per call here.) node:crypto still hashes at minting, and
// the tests hold the two equal for every length and character this function takes.

/** The longest text one block holds: 64 bytes less the 0x80 marker and the 8-byte length. */
export const SHORT_TEXT_MAX = 55;

// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const ROUND_CONSTANTS = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
const INITIAL = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

// Shared scratch: JavaScript runs one call at a time and a call never yields, so one message
// schedule and one result serve every call (a worker thread has its own module).
const schedule = new Int32Array(64);
const digest = new Int32Array(8);

/**
 * SHA-256 of `text` as eight big-endian 32-bit words (a 32-byte digest, word by word), or
 * `undefined` for text this function does not take: longer than {@link SHORT_TEXT_MAX}
 * characters, or not ASCII (where UTF-8 bytes and character codes differ).
 *
 * The array is shared and overwritten by the next call: read it before calling again.
 */
export function sha256ShortText(text: string): Int32Array | undefined {
  const length = text.length;
  if (length > SHORT_TEXT_MAX) return undefined;
  // The padded block: the text, 0x80, zeros, and the length in bits in the last word (the
  // word before it is always 0 here: 55 characters are 440 bits). Whole words of text first,
  // four characters at a time; every character's code or-ed into `codes` to tell ASCII.
  const whole = length >> 2;
  let codes = 0;
  let word = 0;
  for (; word < whole; word++) {
    const at = word * 4;
    const first = text.charCodeAt(at);
    const second = text.charCodeAt(at + 1);
    const third = text.charCodeAt(at + 2);
    const fourth = text.charCodeAt(at + 3);
    codes |= first | second | third | fourth;
    schedule[word] = (first << 24) | (second << 16) | (third << 8) | fourth;
  }
  // The word of the last 0-3 characters and the marker after them.
  let last = 0;
  // Stryker disable next-line ArithmeticOperator: starting earlier re-reads whole words' characters, which the shifts below push out
  for (let at = word * 4; at < length; at++) {
    const code = text.charCodeAt(at);
    codes |= code;
    last = (last << 8) | code;
  }
  const filled = length & 3;
  schedule[word] = ((last << 8) | 0x80) << ((3 - filled) * 8);
  // Stryker disable next-line EqualityOperator: a 17th word would be 0, written where round 16 writes its own
  for (word++; word < 16; word++) schedule[word] = 0;
  if (codes > 0x7f) return undefined;
  schedule[15] = length * 8;
  compress();
  return digest;
}

function compress(): void {
  let a = INITIAL[0]!;
  let b = INITIAL[1]!;
  let c = INITIAL[2]!;
  let d = INITIAL[3]!;
  let e = INITIAL[4]!;
  let f = INITIAL[5]!;
  let g = INITIAL[6]!;
  let h = INITIAL[7]!;
  for (let round = 0; round < 64; round++) {
    let w: number;
    if (round < 16) w = schedule[round]!;
    else {
      const w15 = schedule[round - 15]!;
      const w2 = schedule[round - 2]!;
      const sigma0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const sigma1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      w = (schedule[round - 16]! + sigma0 + schedule[round - 7]! + sigma1) | 0;
      schedule[round] = w;
    }
    const sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const choice = (e & f) ^ (~e & g);
    const t1 = (h + sum1 + choice + ROUND_CONSTANTS[round]! + w) | 0;
    const sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (sum0 + majority) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  // An Int32Array stores the sums modulo 2^32.
  digest[0] = INITIAL[0]! + a;
  digest[1] = INITIAL[1]! + b;
  digest[2] = INITIAL[2]! + c;
  digest[3] = INITIAL[3]! + d;
  digest[4] = INITIAL[4]! + e;
  digest[5] = INITIAL[5]! + f;
  digest[6] = INITIAL[6]! + g;
  digest[7] = INITIAL[7]! + h;
}
