#!/usr/bin/env python3
"""Writes a few seed inputs for the apply_frames target (records of `len:u16le | payload`, each
payload a message as keel_repl::codec encodes it) into corpus/apply_frames: sequences that make,
write, link, rename and remove entries, so the fuzzer starts from operations that apply. The
corpus is not committed (.gitignore); run this before `cargo +nightly fuzz run apply_frames`."""
import os
import struct

def b(x): return struct.pack('<I', len(x)) + x
def head(tag, path, d=0): return bytes([tag, d]) + b(path)
def u32(v): return struct.pack('<I', v)
def u64(v): return struct.pack('<Q', v)

W, TR, CR, MK, SL, LN, UN, RD, RN, CM, CO, ST, FS, SB, LS, SF, SE, BYE, PING, MKN, FAL, SX, RX, XS = range(1, 25)
VERIFY, VERIFY_END = 41, 42
# Verify: kind (0 file, 1 dir, 2 link, 3 other), size, mode, uid, gid, xattrs digest, offset, len
# (at most 8 MiB), then the 32-byte SHA-256.
def verify(path, kind, size, offset, length, digest=bytes(32)):
    return head(VERIFY, path) + bytes([kind]) + u64(size) + u32(0o100644) + u32(0) + u32(0) + u64(0) \
        + u64(offset) + u64(length) + digest

def rec(p): return struct.pack('<H', len(p)) + p

seeds = {
    'files': [
        head(MK, b'd') + u32(0o40755) + u32(0) + u32(0),
        head(CR, b'd/f') + u32(0o100644) + u32(1000) + u32(1000),
        head(W, b'd/f') + u64(3) + b(b'hello'),
        head(TR, b'd/f') + u64(2),
        head(FAL, b'd/f') + u32(3) + u64(0) + u64(4096),
        head(SX, b'd/f') + b(b'user.k') + b(b'v'),
        head(RX, b'd/f') + b(b'user.k'),
        head(XS, b'd') + bytes([1]) + u32(1) + b(b'trusted.t') + b(b'x'),
        head(SF, b'd/f'),
        head(FS, b'd/f') + bytes([1]),
        head(RN, b'd/f') + b(b'g') + u32(0),
        head(LN, b'g') + b(b'd/h'),
        head(CM, b'g') + u32(0o600),
        head(CO, b'g') + u32(5) + u32(0xffffffff),
        head(ST, b'g') + bytes([1]) + u64(5) + u32(6) + bytes([0]) + u64(0) + u32(0),
        head(UN, b'g'),
    ],
    'special': [
        head(MKN, b'fifo') + u32(0o10644) + u32(0) + u32(0),
        head(W, b'fifo') + u64(0) + b(b'x'),
        head(FS, b'fifo') + bytes([0]),
        head(SL, b'l') + b(b'../outside/file') + u32(0) + u32(0),
        head(SX, b'l') + b(b'trusted.l') + b(b'v'),
        head(W, b'out/file') + u64(0) + b(b'x'),
        head(W, b'f') + u64(0) + b(b'x'),
        head(CR, b'd/abs/new') + u32(0o644) + u32(0) + u32(0),
        head(MKN, b'd/dev') + u32(0o20644) + u32(0) + u32(0),
    ],
    'sync': [
        bytes([SB, 1]),
        head(LS, b'') + bytes([1]) + u32(1) + b(b'd') + bytes([1]),
        head(RD, b'd'),
        bytes([SE]) + u64(1) + u64(2),
        bytes([PING]),
        bytes([BYE]),
    ],
    'verify': [
        head(MK, b'd') + u32(0o40755) + u32(0) + u32(0),
        head(CR, b'd/f') + u32(0o100644) + u32(0) + u32(0),
        head(W, b'd/f') + u64(0) + b(b'hello'),
        head(SL, b'l') + b(b'../outside/file') + u32(0) + u32(0),
        verify(b'd/f', 0, 5, 0, 8 << 20),
        verify(b'd/f', 0, 5, 8 << 20, 8 << 20),
        verify(b'd', 1, 0, 0, 0),
        verify(b'l', 2, 15, 0, 0),
        verify(b'l/file', 0, 8, 0, 8 << 20),
        verify(b'missing', 3, 0, 0, 0),
        bytes([VERIFY_END]) + u64(6) + bytes([1]),
    ],
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'apply_frames')
os.makedirs(out, exist_ok=True)
for name, payloads in seeds.items():
    with open(os.path.join(out, 'seed-' + name), 'wb') as f:
        f.write(b''.join(rec(p) for p in payloads))
