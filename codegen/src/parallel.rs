//! `map` over a slice on several threads, in order. Items are handed out one at a time, so a
//! thread that drew cheap items takes more: pages vary in size, and a static split left one core
//! idle while the other finished the heavy half.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of threads to use by default: one per core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `items.iter().map(f).collect()`, on up to `threads` threads (the calling thread is one of
/// them). The output order is the input order, whatever the thread count.
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut fill = |done: Vec<(usize, R)>| {
            for (i, r) in done {
                slots[i] = Some(r);
            }
        };
        fill(work());
        for helper in helpers {
            match helper.join() {
                Ok(done) => fill(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every item is mapped once"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|n| n * n).collect();
        for threads in [0, 1, 2, 3, 8, 2000] {
            assert_eq!(
                super::map(&items, threads, |n| n * n),
                expected,
                "{threads}"
            );
        }
        assert!(super::map(&[] as &[u8], 4, |n| *n).is_empty());
    }
}
