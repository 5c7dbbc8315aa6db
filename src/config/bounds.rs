//! Reading a number setting: the environment over the file over a default,
//! always within stated bounds, so an absurd value (`1e300` seconds) is an
//! error naming the setting when the program starts, never a panic later.

use std::fmt;
use std::ops::RangeInclusive;

use super::ConfigError;

/// A number setting from the environment variable `env`, else the file,
/// else `default`, within `range`; `what` names the kind of number in the
/// error ("a number of seconds", "a whole number").
pub(super) fn bounded<T>(
    setting: &str,
    env: &str,
    file: Option<T>,
    default: T,
    range: RangeInclusive<T>,
    what: &str,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let invalid = |shown: &str| ConfigError::Invalid {
        setting: setting.into(),
        detail: format!(
            "`{shown}` must be {what} from {} to {}",
            range.start(),
            range.end()
        ),
    };
    let value = match std::env::var(env).ok().filter(|v| !v.trim().is_empty()) {
        Some(text) => text.trim().parse::<T>().map_err(|_| invalid(&text))?,
        None => file.unwrap_or(default),
    };
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(invalid(&value.to_string()))
    }
}
