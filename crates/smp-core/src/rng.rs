//! Seeded, portable random streams. Every random choice the simulator makes comes from a stream
//! derived from the attempt's seed, a purpose and an index, so replaying a file reproduces it bit
//! for bit on any platform (ChaCha8 is specified independently of the machine).

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// What a stream is used for; part of the stream's key so purposes never share numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Per-impression tissue variation (depth jitter, spread).
    Tissue = 1,
    /// Procedural skin texture (pores, stubble) of a level.
    SkinTexture = 2,
    /// Synthetic trainees' hands.
    Persona = 3,
    /// Synthetic trainees' hairline designs.
    Design = 4,
}

/// A random stream: uniform and normal variates from ChaCha8.
pub struct Stream(ChaCha8Rng);

impl Stream {
    /// The stream for (`seed`, `purpose`, `index`); the same triple always gives the same numbers.
    pub fn new(seed: u64, purpose: Purpose, index: u64) -> Self {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&(purpose as u64).to_le_bytes());
        key[16..24].copy_from_slice(&index.to_le_bytes());
        key[24..].copy_from_slice(b"smp-rng1");
        Self(ChaCha8Rng::from_seed(key))
    }

    /// Uniform in [0, 1), from the top 53 bits of one 64-bit draw.
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: bias is below 2^-32 for the sizes used here, and it is deterministic.
        ((self.0.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Standard normal variate (Box–Muller; uses two uniforms).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]: ln is finite
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Normal variate with the given mean and standard deviation.
    pub fn gauss(&mut self, mean: f64, sd: f64) -> f64 {
        mean + sd * self.normal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_numbers_other_key_other_numbers() {
        let a: Vec<f64> = (0..4)
            .map({
                let mut s = Stream::new(7, Purpose::Tissue, 3);
                move |_| s.uniform()
            })
            .collect();
        let b: Vec<f64> = (0..4)
            .map({
                let mut s = Stream::new(7, Purpose::Tissue, 3);
                move |_| s.uniform()
            })
            .collect();
        let mut c = Stream::new(7, Purpose::Tissue, 4);
        assert_eq!(a, b);
        assert_ne!(a[0], c.uniform());
        assert!(a.iter().all(|u| (0.0..1.0).contains(u)));
    }

    #[test]
    fn normal_has_plausible_moments() {
        let mut s = Stream::new(1, Purpose::Persona, 0);
        let xs: Vec<f64> = (0..20_000).map(|_| s.normal()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }
}
