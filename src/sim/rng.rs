//! Deterministic hashing and smooth noise: the simulated estate's only
//! source of randomness, so a seed and an instant always give the same wall.

/// `SplitMix64` finaliser: a well-mixed 64-bit hash of `x`.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Hash of several words.
pub fn hash(words: &[u64]) -> u64 {
    words
        .iter()
        .fold(0x51_7CC1_B727_220A, |acc, w| mix(acc ^ mix(*w)))
}

/// FNV-1a of a string, for turning ids into hash words.
pub fn str_hash(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// A hash mapped to `[0, 1)`.
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Smooth value noise in `[-1, 1]` with features about `period_ms` apart.
pub fn noise(key: u64, t_ms: i64, period_ms: i64) -> f64 {
    let period = period_ms.max(1);
    let cell = t_ms.div_euclid(period);
    let frac = t_ms.rem_euclid(period) as f64 / period as f64;
    let a = unit(hash(&[key, cell as u64])) * 2.0 - 1.0;
    let b = unit(hash(&[key, (cell + 1) as u64])) * 2.0 - 1.0;
    let smooth = frac * frac * (3.0 - 2.0 * frac);
    a + (b - a) * smooth
}

/// A small sequential generator for drawing several numbers from one hash.
#[derive(Clone, Debug)]
pub struct Draw(u64);

impl Draw {
    pub fn new(seed: u64) -> Draw {
        Draw(seed)
    }

    /// Next number in `[0, 1)`.
    pub fn next(&mut self) -> f64 {
        self.0 = mix(self.0);
        unit(self.0)
    }

    /// Next number in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }

    /// Next index below `n` (0 when `n` is 0).
    pub fn index(&mut self, n: usize) -> usize {
        ((self.next() * n as f64) as usize).min(n.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_bounded_continuous_and_repeatable() {
        let mut prev = noise(7, 0, 60_000);
        for t in (0..3_600_000).step_by(1_000) {
            let v = noise(7, t, 60_000);
            assert!((-1.0..=1.0).contains(&v));
            assert!((v - prev).abs() < 0.1, "jump at {t}");
            assert_eq!(v, noise(7, t, 60_000));
            prev = v;
        }
    }
}
