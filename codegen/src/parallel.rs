//! Independent pieces of work spread over the machine's cores, their results in order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many items a thread costs more than it saves.
const MIN_ITEMS_PER_THREAD: usize = 8;

/// `f` of each of `items`, in the order of `items`, computed on up to as many threads as the
/// machine has cores (this one among them), each taking the next item not yet taken. Nothing
/// depends on the threads' timing but how long it takes; a panic in `f` goes on here.
pub(crate) fn map_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / MIN_ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else { break };
            done.push((index, f(item)));
        }
        done
    };
    let mut all = std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for other in others {
            all.extend(other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        all
    });
    all.sort_unstable_by_key(|(index, _)| *index);
    all.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_come_in_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so threads finish out of order when there are several.
        let squares = map_in_order(&items, |n| {
            (0..(n % 7) * 1000).fold(0u64, |a, b| a.wrapping_add(b));
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert_eq!(map_in_order(&[] as &[u8], |n| *n), Vec::<u8>::new());
    }
}
