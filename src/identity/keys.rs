//! The words of a core key that may differ between two names of one model,
//! and the keys a name is also filed under without them.

/// Words that often differ between two names of one model.
pub(super) const SOFT_WORDS: &[&str] = &["instruct", "chat", "versatile"];

/// Words hosts add to an open model's name for their own serving of it.
pub(super) const HOST_EDITIONS: &[&str] = &["instant"];

/// The core key with squeezed two-digit versions dotted, if it has any.
pub(super) fn unsqueeze(core: &[String]) -> Option<String> {
    let mut changed = false;
    let mut words: Vec<String> = core
        .iter()
        .map(|w| {
            let digits: String = w.chars().skip_while(|c| c.is_ascii_alphabetic()).collect();
            let prefix = &w[..w.len() - digits.len()];
            if digits.len() == 2
                && !digits.starts_with('0')
                && prefix.len() <= 1
                && digits.chars().all(|c| c.is_ascii_digit())
            {
                changed = true;
                format!("{prefix}{}.{}", &digits[..1], &digits[1..])
            } else {
                w.clone()
            }
        })
        .collect();
    words.sort();
    changed.then(|| words.join(" "))
}

/// The core without its only version number (`2 devstral` → `devstral`), and that number.
pub(super) fn without_version(core: &[String]) -> Option<(String, String)> {
    let is_version = |w: &String| {
        w.starts_with(|c: char| c.is_ascii_digit())
            && w.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    let mut versions = core.iter().filter(|w| is_version(w));
    let version = versions.next()?;
    if versions.next().is_some() || core.len() < 2 {
        return None;
    }
    let rest: Vec<&str> = core
        .iter()
        .filter(|w| !is_version(w))
        .map(String::as_str)
        .collect();
    Some((rest.join(" "), version.clone()))
}

/// `12b`, `1.5b`: a model's parameter count.
pub(super) fn is_size(word: &str) -> bool {
    word.strip_suffix('b').is_some_and(|n| {
        n.starts_with(|c: char| c.is_ascii_digit())
            && n.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// A relaxed core key without its size, and the size when it states exactly one.
pub(super) fn without_size(key: &str) -> (String, Option<String>) {
    let sizes: Vec<&str> = key.split(' ').filter(|w| is_size(w)).collect();
    let rest: Vec<&str> = key.split(' ').filter(|w| !is_size(w)).collect();
    let size = (sizes.len() == 1).then(|| sizes[0].to_string());
    (rest.join(" "), size)
}

/// `001`: a revision of a model (Google's `gemini-2.0-flash-001`).
pub(super) fn is_revision(word: &str) -> bool {
    word.len() == 3 && word.starts_with("00") && word.chars().all(|c| c.is_ascii_digit())
}

/// The core key without the words `drop` picks, when it picks any.
pub(super) fn without_word(core: &[String], drop: impl Fn(&str) -> bool) -> Option<String> {
    core.iter().any(|w| drop(w)).then(|| {
        core.iter()
            .filter(|w| !drop(w))
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// `16e`: the number of experts of a mixture-of-experts model.
pub(super) fn is_expert_count(word: &str) -> bool {
    word.strip_suffix('e')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// `a12b`, `a3.5b`: the active parameters of a mixture-of-experts model.
pub(super) fn is_active_size(word: &str) -> bool {
    word.strip_prefix('a')
        .and_then(|w| w.strip_suffix('b'))
        .is_some_and(|n| {
            n.starts_with(|c: char| c.is_ascii_digit())
                && n.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
}

/// Words vendors put on a model before its release: a name that states one
/// is never the released model without it (`Gemini 2.5 Flash Preview` is not
/// `Gemini 2.5 Flash`), unless its snapshot date says so.
pub(super) const RELEASE_WORDS: &[&str] = &["preview", "exp", "beta", "alpha"];

/// The release words among a core's words.
pub(super) fn release_words(core: &[String]) -> impl Iterator<Item = String> + '_ {
    core.iter()
        .filter(|w| RELEASE_WORDS.contains(&w.as_str()))
        .cloned()
}
