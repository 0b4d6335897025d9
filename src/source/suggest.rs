//! "Did you mean …?" hints: the closest known name to a misspelt one.

/// The candidate closest to `wrong` by edit distance, if it is close enough to be a
/// plausible typo (at most a third of the longer name, and at most 3 edits).
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(&wrong_lower, &candidate.to_lowercase()), candidate))
        .filter(|(distance, candidate)| {
            let longest = wrong.chars().count().max(candidate.chars().count());
            *distance <= 3 && *distance * 3 <= longest.max(3)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// A hint naming the closest candidate, or listing the candidates when none is close.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    match closest(wrong, candidates.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let all: Vec<String> = candidates.into_iter().map(|c| format!("`{c}`")).collect();
            if all.is_empty() {
                "nothing is defined yet".to_string()
            } else {
                format!("expected one of {}", all.join(", "))
            }
        }
    }
}

/// Levenshtein distance over characters.
fn edit_distance(left: &str, right: &str) -> usize {
    let right_chars: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right_chars.len()).collect();
    for (i, left_char) in left.chars().enumerate() {
        let mut current = vec![i + 1; right_chars.len() + 1];
        for (j, right_char) in right_chars.iter().enumerate() {
            let substitution = previous[j] + usize::from(left_char != *right_char);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[right_chars.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_typo_and_ignores_strangers() {
        let keys = ["title", "kind", "workflow", "platforms"];
        assert_eq!(closest("tittle", keys), Some("title"));
        assert_eq!(closest("platfroms", keys), Some("platforms"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(did_you_mean("knd", keys), "did you mean `kind`?");
    }
}
