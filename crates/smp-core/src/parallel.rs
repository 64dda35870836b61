//! Order-preserving parallel map over the machine's cores. Each element is computed on its own,
//! so results are identical whatever the number of threads.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The most threads to use, set by [`limit_threads`]; 0 for the machine's cores.
static MAX_THREADS: AtomicUsize = AtomicUsize::new(0);

/// Threads to use: the machine's cores, at most 8, or fewer when [`limit_threads`] said so.
pub fn threads() -> usize {
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    match MAX_THREADS.load(Ordering::Relaxed) {
        0 => cores,
        n => cores.min(n),
    }
}

/// Uses at most `n` threads from now on (0: the machine's cores again). Results do not change,
/// only the time they take.
pub fn limit_threads(n: usize) {
    MAX_THREADS.store(n, Ordering::Relaxed);
}

/// `(0..n).map(f).collect()`, computed in contiguous chunks on several threads.
pub fn map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads();
    if n < 2048 || threads == 1 {
        return (0..n).map(f).collect();
    }
    let chunk = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t * chunk..((t + 1) * chunk).min(n))
                        .map(f)
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        // A panic in a worker is a bug; re-raise it on this thread rather than hide it.
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// `(0..n).map(f).collect()` for a few large pieces of work: each element on its own thread
/// (at most [`threads`] at a time), in order.
pub fn map_each<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads();
    if n < 2 || threads == 1 {
        return (0..n).map(f).collect();
    }
    let f = &f;
    let mut out = Vec::with_capacity(n);
    for start in (0..n).step_by(threads) {
        std::thread::scope(|s| {
            let handles: Vec<_> = (start..(start + threads).min(n))
                .map(|i| s.spawn(move || f(i)))
                .collect();
            // A panic in a worker is a bug; re-raise it on this thread rather than hide it.
            out.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
            );
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_a_sequential_map_in_order() {
        let par = super::map(10_000, |i| i * i);
        let seq: Vec<usize> = (0..10_000).map(|i| i * i).collect();
        assert_eq!(par, seq);
        assert_eq!(super::map_each(5, |i| i * 3), vec![0, 3, 6, 9, 12]);
    }
}
