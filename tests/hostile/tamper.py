#!/usr/bin/env python3
"""tests/hostile/tamper.py BUNDLE OUTDIR N -- N damaged copies of BUNDLE.

Each copy gets one kind of damage: bits flipped, bytes overwritten with
extreme values (0, 0xff.., small and huge counts), a range cut out or
repeated, the file truncated or extended.  The header's SHA-256 is then
recomputed (docs/bundle-format.md: bytes 16..48 hash bytes 48..end), so the
damage reaches the section parsers and the verifier instead of stopping at
the hash check.  Deterministic: the seed is fixed.
"""
import hashlib
import os
import random
import struct
import sys

HEADER, HASH_AT = 48, 16


def rehash(b):
    b[HASH_AT:HEADER] = hashlib.sha256(bytes(b[HEADER:])).digest()
    return b


def damage(rng, src):
    b = bytearray(src)
    body = len(b) - HEADER
    at = HEADER + rng.randrange(body)
    kind = rng.randrange(7)
    if kind == 0:                                   # flip 1..4 bits
        for _ in range(rng.randint(1, 4)):
            i = HEADER + rng.randrange(body)
            b[i] ^= 1 << rng.randrange(8)
    elif kind == 1:                                 # an extreme u32
        at -= at % 4
        v = rng.choice([0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 255, 256, 65535])
        b[at:at + 4] = struct.pack("<I", v)[: len(b) - at]
    elif kind == 2:                                 # a random byte run
        n = rng.randint(1, 16)
        b[at:at + n] = bytes(rng.randrange(256) for _ in range(n))[: len(b) - at]
    elif kind == 3:                                 # cut a range out
        n = rng.randint(1, 64)
        del b[at:at + n]
    elif kind == 4:                                 # repeat a range
        n = rng.randint(1, 64)
        b[at:at] = b[at:at + n]
    elif kind == 5:                                 # truncate
        del b[at:]
    else:                                           # extend
        b += bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
    return rehash(b)


def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(src, "rb").read()
    rng = random.Random(20251121)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        with open(os.path.join(out, "t%03d.polb" % i), "wb") as f:
            f.write(damage(rng, data))


if __name__ == "__main__":
    main()
