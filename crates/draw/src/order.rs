//! Ordering items by 32-byte keys, fast.
//!
//! The objects draw needs only the first `quota` of n candidates in key
//! order, not a full sort. Keys are hashed in parallel; since SHA-256 keys are
//! uniform, only those below a threshold (about quota + 6√quota of them) are
//! kept, and just those are sorted (with a fallback to `select_nth_unstable`
//! over all keys should too few pass). To keep memory traffic low each item is
//! packed into a `u128` of (first 8 key bytes, index). Two items whose first
//! 8 bytes agree (about a 10⁻⁶ chance in a ten-million draw) are re-ordered by
//! their full key and then id, so the result is exactly the order the spec
//! defines.

use std::cmp::Ordering;

use rayon::prelude::*;

/// Below this many items the threads cost more than they save.
const PARALLEL_FROM: usize = 4096;

fn prefix(p: u128) -> u64 {
    (p >> 64) as u64
}

fn index(p: u128) -> usize {
    p as u64 as usize
}

fn pack(key: &[u8; 32], i: usize) -> u128 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&key[..8]);
    ((u64::from_be_bytes(b) as u128) << 64) | i as u128
}

/// Indices of the first `k` of `n` items ordered by (key, id), in that order.
///
/// `key(i)` must be deterministic (it is called again for tied prefixes);
/// `id(i)` breaks ties of full keys.
pub(crate) fn first_k<'a, K, I>(n: usize, k: usize, key: K, id: I) -> Vec<usize>
where
    K: Fn(usize) -> [u8; 32] + Sync,
    I: Fn(usize) -> &'a [u8],
{
    let k = k.min(n);
    if k == 0 {
        return Vec::new();
    }
    let mut v: Vec<u128> = if n < PARALLEL_FROM {
        (0..n).map(|i| pack(&key(i), i)).collect()
    } else {
        // SHA-256 keys are uniform: while hashing, keep only items whose
        // prefix is below a threshold that about k + 6·√k of them pass. If at
        // least k pass, the first k overall are among them (every other item
        // has a larger prefix), and a 10⁷-item draw sorts 5·10⁵ items instead
        // of selecting among 10⁷. If fewer pass (never, for SHA-256 keys,
        // short of a 6σ event), fall back to keeping everything.
        let share = (k as f64 + 6.0 * (k as f64).sqrt() + 16.0) / n as f64;
        let kept: Option<Vec<u128>> = (share < 0.5).then(|| {
            let threshold = (share * 18_446_744_073_709_551_616.0) as u64;
            (0..n)
                .into_par_iter()
                .filter_map(|i| {
                    let p = pack(&key(i), i);
                    (prefix(p) < threshold).then_some(p)
                })
                .collect()
        });
        match kept {
            Some(kept) if kept.len() >= k => kept,
            _ => (0..n).into_par_iter().map(|i| pack(&key(i), i)).collect(),
        }
    };
    let n = v.len();
    let full = |a: usize, b: usize| -> Ordering { key(a).cmp(&key(b)).then_with(|| id(a).cmp(id(b))) };

    if k < n {
        v.select_nth_unstable(k);
    }
    let mut head: Vec<u128> = v[..k].to_vec();
    if k >= PARALLEL_FROM {
        head.par_sort_unstable();
    } else {
        head.sort_unstable();
    }

    // Ties of the 8-byte prefix across the cut: gather every item with the
    // boundary prefix, order them fully and keep as many as fit.
    let boundary = prefix(head[k - 1]);
    if k < n && prefix(v[k]) == boundary {
        let inside = head.iter().rev().take_while(|&&p| prefix(p) == boundary).count();
        let mut tied: Vec<usize> = head[k - inside..].iter().map(|&p| index(p)).collect();
        tied.extend(v[k..].iter().filter(|&&p| prefix(p) == boundary).map(|&p| index(p)));
        tied.sort_by(|&a, &b| full(a, b));
        for (slot, i) in head[k - inside..].iter_mut().zip(tied) {
            *slot = ((boundary as u128) << 64) | i as u128;
        }
    }

    let mut out: Vec<usize> = head.iter().map(|&p| index(p)).collect();
    // Ties of the prefix inside the head: runs of equal prefix ordered fully.
    let mut start = 0;
    while start < k {
        let mut end = start + 1;
        while end < k && prefix(head[end]) == prefix(head[start]) {
            end += 1;
        }
        if end - start > 1 {
            out[start..end].sort_by(|&a, &b| full(a, b));
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(keys: &[[u8; 32]], ids: &[Vec<u8>], k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..keys.len()).collect();
        idx.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(ids[a].cmp(&ids[b])));
        idx.truncate(k);
        idx
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]
        // Keys with few distinct prefixes force every tie-resolution path.
        #[test]
        fn equals_a_full_sort(
            raw in prop::collection::vec((0u8..3, 0u8..3, any::<u8>(), 0u8..4), 0..60),
            k in 0usize..70,
        ) {
            let keys: Vec<[u8; 32]> = raw.iter().map(|&(a, b, c, _)| {
                let mut key = [0u8; 32];
                key[0] = a;
                key[7] = b;
                key[8] = c;
                key
            }).collect();
            let ids: Vec<Vec<u8>> = raw.iter().enumerate().map(|(i, &(_, _, _, d))| vec![d, i as u8]).collect();
            let got = first_k(keys.len(), k, |i| keys[i], |i| &ids[i][..]);
            prop_assert_eq!(got, naive(&keys, &ids, k));
        }
    }

    #[test]
    fn large_parallel_path_equals_full_sort() {
        let n = 20_000;
        let keys: Vec<[u8; 32]> = (0..n)
            .map(|i: usize| {
                let mut key = [0u8; 32];
                key[0] = (i.wrapping_mul(2654435761) % 7) as u8;
                key[9] = (i.wrapping_mul(40503) % 251) as u8;
                key[20] = (i % 13) as u8;
                key
            })
            .collect();
        let ids: Vec<Vec<u8>> = (0..n).map(|i| format!("{i:06}").into_bytes()).collect();
        for k in [1, 5, 999, 5000, n] {
            assert_eq!(first_k(n, k, |i| keys[i], |i| &ids[i][..]), naive(&keys, &ids, k));
        }
        // Keys far from uniform (all prefixes large): the threshold keeps
        // nothing and the full path must take over.
        let high: Vec<[u8; 32]> = keys
            .iter()
            .map(|k| {
                let mut h = *k;
                h[0] = 0xff;
                h
            })
            .collect();
        for k in [1, 999] {
            assert_eq!(first_k(n, k, |i| high[i], |i| &ids[i][..]), naive(&high, &ids, k));
        }
    }
}
