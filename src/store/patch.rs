//! A ranking row's JSON as the fields that differ from another version of
//! the same row, and back. Generic over the row: a row is any JSON object,
//! compared field by field on the text of each field's value, so a field
//! added to `ModelRow` needs nothing here. Field order and every value's
//! text are kept as written (nested objects too: a benchmark map keeps its
//! display order), so applying a patch to its base gives the row's JSON
//! byte for byte.
//!
//! A patch is `{"s": {field: value, …}, "u": [field, …]}`: the fields set
//! (changed or new, in the row's order) and the fields the row no longer
//! has (`u` left out when there are none).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A JSON object's fields in their order, each value as written.
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ordered<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Ordered<'a> {
            type Value = Fields<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'a>, A::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<Cow<'de, str>, &'de RawValue>()? {
                    fields.push((key, value));
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Ordered(std::marker::PhantomData))
    }
}

#[derive(Serialize, Deserialize)]
struct Patch<'a> {
    #[serde(borrow)]
    s: Fields<'a>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", borrow)]
    u: Vec<Cow<'a, str>>,
}

impl Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Why a stored row or patch could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct PatchError(String);

fn fields(json: &str) -> Result<Fields<'_>, PatchError> {
    serde_json::from_str(json)
        .map_err(|e| PatchError(format!("a stored row is not an object: {e}")))
}

/// The patch that turns `base` into `row` (both JSON objects).
pub(super) fn diff(base: &str, row: &str) -> Result<String, PatchError> {
    let base = fields(base)?;
    let row = fields(row)?;
    let set: Vec<_> = row
        .0
        .iter()
        .filter(|(key, value)| {
            base.0
                .iter()
                .find(|(k, _)| k == key)
                .is_none_or(|(_, old)| old.get() != value.get())
        })
        .cloned()
        .collect();
    let unset: Vec<_> = base
        .0
        .iter()
        .filter(|(key, _)| !row.0.iter().any(|(k, _)| k == key))
        .map(|(key, _)| key.clone())
        .collect();
    serde_json::to_string(&Patch {
        s: Fields(set),
        u: unset,
    })
    .map_err(|e| PatchError(e.to_string()))
}

/// `base` with `patch` applied: the row's JSON as it was written.
pub(super) fn apply(base: &str, patch: &str) -> Result<String, PatchError> {
    let base = fields(base)?;
    let patch: Patch<'_> = serde_json::from_str(patch)
        .map_err(|e| PatchError(format!("a stored row patch cannot be read: {e}")))?;
    let mut out = String::with_capacity(
        base.0
            .iter()
            .map(|(k, v)| k.len() + v.get().len() + 4)
            .sum(),
    );
    out.push('{');
    let mut first = true;
    let mut push = |out: &mut String, key: &str, value: &RawValue| -> Result<(), PatchError> {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&serde_json::to_string(key).map_err(|e| PatchError(e.to_string()))?);
        out.push(':');
        out.push_str(value.get());
        Ok(())
    };
    for (key, value) in &base.0 {
        if patch.u.iter().any(|k| k == key) {
            continue;
        }
        let value = patch
            .s
            .0
            .iter()
            .find(|(k, _)| k == key)
            .map_or(*value, |(_, new)| *new);
        push(&mut out, key, value)?;
    }
    for (key, value) in &patch.s.0 {
        if !base.0.iter().any(|(k, _)| k == key) {
            push(&mut out, key, value)?;
        }
    }
    out.push('}');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_applied_to_its_base_gives_the_row_byte_for_byte() {
        let base = r#"{"id":"a/b","score":1.5,"benchmarks":{"z":1,"a":null},"gone":true}"#;
        let row = r#"{"id":"a/b","score":1.75,"benchmarks":{"z":1,"a":2.0},"new":"x\"y"}"#;
        let patch = diff(base, row).expect("diff");
        assert_eq!(
            patch,
            r#"{"s":{"score":1.75,"benchmarks":{"z":1,"a":2.0},"new":"x\"y"},"u":["gone"]}"#
        );
        assert_eq!(apply(base, &patch).expect("apply"), row);
    }

    #[test]
    fn an_unchanged_row_is_an_empty_patch() {
        let row = r#"{"id":"a/b","score":null}"#;
        let patch = diff(row, row).expect("diff");
        assert_eq!(patch, r#"{"s":{}}"#);
        assert_eq!(apply(row, &patch).expect("apply"), row);
    }

    #[test]
    fn a_row_that_is_not_an_object_is_an_error_not_a_panic() {
        assert!(diff("[1]", "{}").is_err());
        assert!(apply("{}", "not json").is_err());
    }
}
