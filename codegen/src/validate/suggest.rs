//! "Did you mean" suggestions for misspelt field names and `$ref` keys.

/// Returns the optimal string alignment distance between `a` and `b`: the
/// number of single-character insertions, deletions, substitutions and
/// swaps of two neighbours that turn one into the other, counted in
/// characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the dynamic-programming table: two back, one back and
    // the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Returns the candidate closest to `name`: one equal to it ignoring ASCII
/// case, or else the nearest within an edit distance of 2 (1 for names of
/// up to 5 characters, so that short names do not match everything).
/// Ties go to the earliest candidate.
pub(crate) fn closest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = if name.chars().count() <= 5 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = if candidate.eq_ignore_ascii_case(name) {
            0
        } else {
            edit_distance(name, candidate)
        };
        if distance <= limit && best.is_none_or(|(known, _)| distance < known) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("adress", "address"), 1);
        assert_eq!(edit_distance("chanel", "channel"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn swapped_neighbours_count_once() {
        assert_eq!(edit_distance("verison", "version"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
    }

    #[test]
    fn distance_counts_characters_not_bytes() {
        assert_eq!(edit_distance("café", "cafe"), 1);
    }

    #[test]
    fn closest_prefers_case_match() {
        let fields = ["title", "version", "Version2"];
        assert_eq!(closest("VERSION", fields), Some("version"));
        assert_eq!(closest("verison", fields), Some("version"));
    }

    #[test]
    fn closest_rejects_far_names() {
        assert_eq!(closest("surprise", ["title", "version"]), None);
        assert_eq!(closest("ab", ["id", "xy"]), None);
        assert_eq!(closest("user", ["users", "orders"]), Some("users"));
    }

    #[test]
    fn closest_skips_exact_name() {
        assert_eq!(closest("title", ["title"]), None);
    }
}
