//! SHA-256 and HMAC-SHA256 shaped for signing: `sha2`'s compression function (SHA-NI where
//! the CPU has it) driven directly, without the generic buffering layers.
//!
//! A signature hashes three short inputs (the body, the canonical request, the string to sign),
//! so per-hash overhead matters as much as the compression itself. [`State`] is a bare
//! chaining value: it can absorb whole blocks of a prefix once, be copied, and finish
//! different suffixes (the signer caches the state after a request's constant prefix, and an
//! HMAC key is two such states). Padding follows FIPS 180-4 §5.1.1; HMAC follows RFC 2104.
//! The unit tests check both against the `sha2` and `hmac` crates and RFC 4231.

use sha2::digest::generic_array::GenericArray;

/// SHA-256 block size in bytes.
pub(crate) const BLOCK: usize = 64;

/// FIPS 180-4 §5.3.3.
const INITIAL: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A SHA-256 computation after some whole blocks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct State {
    chaining: [u32; 8],
    /// Bytes absorbed so far (a multiple of [`BLOCK`]).
    absorbed: u64,
}

impl State {
    /// Nothing absorbed yet.
    pub(crate) const fn new() -> Self {
        State {
            chaining: INITIAL,
            absorbed: 0,
        }
    }

    /// Absorbs the whole blocks at the start of `data`; returns the rest (shorter than a
    /// block).
    pub(crate) fn absorb<'a>(&mut self, data: &'a [u8]) -> &'a [u8] {
        let mut blocks = data.chunks_exact(BLOCK);
        for block in blocks.by_ref() {
            sha2::compress256(
                &mut self.chaining,
                std::slice::from_ref(GenericArray::from_slice(block)),
            );
        }
        self.absorbed += (data.len() - blocks.remainder().len()) as u64;
        blocks.remainder()
    }

    /// Absorbs `data` and pads: the digest of everything absorbed.
    pub(crate) fn finish(mut self, data: &[u8]) -> [u8; 32] {
        let tail = self.absorb(data);
        let bits = (self.absorbed + tail.len() as u64).wrapping_mul(8);
        if tail.len() < BLOCK - 8 {
            let mut last = [0u8; BLOCK];
            last[..tail.len()].copy_from_slice(tail);
            last[tail.len()] = 0x80;
            last[BLOCK - 8..].copy_from_slice(&bits.to_be_bytes());
            self.absorb(&last);
        } else {
            let mut last = [0u8; 2 * BLOCK];
            last[..tail.len()].copy_from_slice(tail);
            last[tail.len()] = 0x80;
            last[2 * BLOCK - 8..].copy_from_slice(&bits.to_be_bytes());
            self.absorb(&last);
        }
        let mut digest = [0u8; 32];
        for (out, word) in digest.chunks_exact_mut(4).zip(self.chaining) {
            out.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }
}

/// From this length on, [`sha256`] uses `sha2`'s buffered hasher, which hands the compression
/// function many blocks per call (keeping the state in registers between them).
const LONG: usize = 1024;

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    if data.len() >= LONG {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    } else {
        State::new().finish(data)
    }
}

/// An HMAC-SHA256 key, prepared: the states after the inner and outer padded key blocks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct HmacKey {
    inner: State,
    outer: State,
}

impl HmacKey {
    /// Prepares `key` (any length; longer than a block is hashed first).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; BLOCK];
        if key.len() > BLOCK {
            block[..32].copy_from_slice(&sha256(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| {
            let mut padded = block;
            for value in &mut padded {
                *value ^= byte;
            }
            let mut state = State::new();
            state.absorb(&padded);
            state
        };
        HmacKey {
            inner: pad(0x36),
            outer: pad(0x5c),
        }
    }

    /// HMAC-SHA256 of `data`.
    pub(crate) fn sign(&self, data: &[u8]) -> [u8; 32] {
        let inner = self.inner.finish(data);
        self.outer.finish(&inner)
    }
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    HmacKey::new(key).sign(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    fn bytes(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 131 + 7) as u8).collect()
    }

    #[test]
    fn sha256_matches_the_sha2_crate_at_every_length_around_block_edges() {
        for len in (0..=300).chain([511, 512, 513, 1023, 1024, 4096, 100_000]) {
            let data = bytes(len);
            assert_eq!(sha256(&data)[..], Sha256::digest(&data)[..], "length {len}");
            assert_eq!(
                State::new().finish(&data)[..],
                Sha256::digest(&data)[..],
                "length {len}"
            );
        }
        // FIPS 180-2 example "abc".
        assert_eq!(
            sha256(b"abc")[..4],
            [0xba, 0x78, 0x16, 0xbf],
            "the known digest of abc"
        );
    }

    #[test]
    fn a_saved_state_finishes_like_one_pass() {
        let data = bytes(300);
        let mut state = State::new();
        let rest = state.absorb(&data[..150]);
        assert_eq!(rest.len(), 150 - 128);
        let saved = state;
        assert_eq!(saved.finish(&data[128..]), sha256(&data));
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 1.
        let key = [0x0b; 20];
        assert_eq!(
            hex(&hmac(&key, b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2.
        assert_eq!(
            hex(&hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than a block.
        assert_eq!(
            hex(&hmac(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn hmac_matches_the_hmac_crate() {
        for key_len in [0, 1, 32, 63, 64, 65, 200] {
            for data_len in [0, 1, 55, 56, 63, 64, 65, 119, 120, 125, 200] {
                let (key, data) = (bytes(key_len), bytes(data_len));
                let mut reference =
                    <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("any key length");
                reference.update(&data);
                assert_eq!(
                    hmac(&key, &data)[..],
                    reference.finalize().into_bytes()[..],
                    "key {key_len}, data {data_len}"
                );
            }
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}
