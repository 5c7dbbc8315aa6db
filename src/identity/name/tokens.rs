//! A name cut into words: separators and parentheses read, letters split
//! from digits (`qwen3` is `qwen 3`), Fireworks' `2p5` read as `2.5`.

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub(super) text: String,
    /// The separator before it (`' '` at the start).
    pub(super) sep: char,
    /// Inside parentheses or after a comma: a remark, not the model's name.
    pub(super) remark: bool,
}

pub(super) fn tokenize(text: &str) -> Vec<Token> {
    // Fireworks writes 2.5 as "2p5".
    let chars: Vec<char> = text.chars().collect();
    let mut normal = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_ascii_digit()
            && chars[i + 1].is_ascii_digit();
        if *c == 'p' && between_digits {
            normal.push('.');
        } else {
            normal.push(*c);
        }
    }
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let mut sep = ' ';
    let mut remark_tail = false;
    let flush = |current: &mut String, sep: char, remark: bool, tokens: &mut Vec<Token>| {
        if !current.is_empty() {
            tokens.push(Token {
                text: std::mem::take(current),
                sep,
                remark,
            });
        }
    };
    for c in normal.chars() {
        match c {
            '(' | '[' => {
                flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                depth += 1;
                sep = ' ';
            }
            ')' | ']' => {
                flush(&mut current, sep, true, &mut tokens);
                depth = depth.saturating_sub(1);
                sep = ' ';
            }
            ',' => {
                flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                if depth == 0 {
                    remark_tail = true;
                }
                sep = ' ';
            }
            c if c.is_alphanumeric() => {
                // A letter-to-digit boundary separates words: "qwen3" is "qwen 3".
                if current
                    .chars()
                    .last()
                    .is_some_and(|p| p.is_alphabetic() && c.is_ascii_digit())
                    && !current.chars().all(|p| p.is_ascii_digit())
                {
                    flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                    sep = '~';
                }
                current.extend(c.to_lowercase());
            }
            '+' => {
                // "Command R+" is "command r plus"; " + " between models is a pair.
                flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                tokens.push(Token {
                    text: "plus".to_string(),
                    sep: ' ',
                    remark: depth > 0 || remark_tail,
                });
                sep = ' ';
            }
            other => {
                flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                sep = if other == '\'' { '\'' } else { other };
            }
        }
    }
    flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
    tokens
}

pub(super) fn number(text: &str) -> Option<u32> {
    (text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty())
        .then(|| text.parse().ok())
        .flatten()
}
