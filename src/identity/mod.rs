//! Entity resolution: which canonical model each source's name denotes.
//!
//! Deterministic and explainable, in stages, for each record (sources in a
//! fixed order: the catalogue first, price lists last; records by name):
//! 1. `pin`: the overrides file ties the name to a model;
//! 2. `route`: the data ties the entry to another one (OpenRouter `:free`
//!    and `~…-latest` ids with their `alias_target`);
//! 3. `exact id`: a name (or its last path segments) equals a known id:
//!    an OpenRouter id or canonical slug, or a Hugging Face repository;
//! 4. `parsed`: the name read by [`name::parse`] (core words, snapshot date,
//!    variant) fits exactly one model; the record's variant is the union of
//!    what its names state. Dates must agree where both names state them;
//!    an undated name fits a dated model only when that model is the only
//!    snapshot. Two or more candidates mean no match;
//! 5. `relaxed`: the same without the words `instruct` and `chat`;
//! 6. otherwise a source that may create models (PRODUCT.md section 3) makes
//!    a new record, and a price list leaves the name unmatched.
//!
//! Records that are agent systems are listed apart and never joined.

pub mod gold;
pub mod name;
mod overrides;

use std::collections::{BTreeSet, HashMap, HashSet};

pub use overrides::{Overrides, OverridesError};

use crate::domain::{Alias, Model, SourceBatch, SourceId, SourceRecord, Unmatched};
use name::{NameDate, ParsedName};

/// The outcome of resolving every record of every batch.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// Canonical models, sorted by id.
    pub models: Vec<Model>,
    /// The model each record (by source and primary name) belongs to.
    pub assignment: HashMap<(SourceId, String), String>,
    /// Names that matched no model and could not create one.
    pub unmatched: Vec<Unmatched>,
    /// Agent systems, which are listed but never joined to a model.
    pub systems: Vec<Alias>,
}

impl Resolution {
    pub fn model_of(&self, source: SourceId, name: &str) -> Option<&str> {
        self.assignment
            .get(&(source, name.to_string()))
            .map(String::as_str)
    }
}

/// The order in which sources are resolved: the catalogue and the speed
/// benchmark first (their ids are the most precise), benchmarks, the user's
/// benchmarks, and the price lists last (they only attach).
fn resolution_rank(source: SourceId) -> u8 {
    match source {
        SourceId::OpenRouter => 0,
        SourceId::ArtificialAnalysis => 1,
        SourceId::SweBench => 2,
        SourceId::LiveBench => 3,
        SourceId::BigCodeBench => 4,
        SourceId::LiveCodeBench => 5,
        SourceId::Aider => 6,
        SourceId::EvalPlus => 7,
        SourceId::Custom => 8,
        SourceId::LiteLlm => 9,
        SourceId::ModelsDev => 10,
    }
}

/// Words that often differ between two names of one model.
const SOFT_WORDS: &[&str] = &["instruct", "chat", "versatile"];

/// Words hosts add to an open model's name for their own serving of it.
const HOST_EDITIONS: &[&str] = &["instant"];

/// A date an index entry carries, and how much it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EntryDate {
    date: NameDate,
    /// Strong: part of the model's own name (`-20241022`, `-0324`). Weak: a
    /// listing label (OpenRouter's canonical slug) or a month remark, which
    /// may differ from the snapshot by days.
    strong: bool,
}

type Entry = (usize, Option<EntryDate>);

/// How a stage reads a name's core words.
#[derive(Clone, Copy)]
enum Reading {
    AsIs,
    Relaxed,
    /// Versions written without their dot (`m25`, `41`, `35`) read as `m2.5`, `4.1`, `3.5`.
    Squeezed,
    /// A plain name is the base release when one is listed (`CodeLlama-7B`
    /// is `CodeLlama-7B-Base`), before `instruct` may be dropped.
    Base,
    /// With or without the word `preview`.
    Preview,
    /// A name without a revision is its only revision (`gemini-2.0-flash`
    /// is `…-001`), and the other way round.
    Revision,
    /// A size a name states, for a family known in that size only or
    /// unsized (`Mistral-Nemo-12B-Instruct` is `Mistral Nemo`).
    Size,
}

/// The core key with squeezed two-digit versions dotted, if it has any.
fn unsqueeze(core: &[String]) -> Option<String> {
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

/// How a record was (or was not) matched, for `resolve --explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub stage: &'static str,
    /// The model chosen, if any.
    pub model: Option<String>,
    /// What each stage saw.
    pub notes: Vec<String>,
}

struct Builder {
    models: Vec<Model>,
    by_id: HashMap<String, usize>,
    /// (core, variant) → (model, date of that name).
    index: HashMap<(String, String), Vec<Entry>>,
    /// The same with soft words removed from the core.
    relaxed: HashMap<(String, String), Vec<Entry>>,
    /// Lowercased exact ids → models (two models under one id: ambiguous).
    exact: HashMap<String, BTreeSet<usize>>,
    /// Each model's plain (core, date) and variant, to link variants to bases.
    shape: Vec<(String, Option<EntryDate>, String)>,
    /// Names that say `preview`, found under their words without it.
    previewless: HashMap<(String, String), Vec<Entry>>,
    /// The parameter sizes (`12b`; `""` for none) each family's names state,
    /// by relaxed core without the size.
    sizes: HashMap<(String, String), BTreeSet<String>>,
    /// Names with a revision (`-001`), found under their other words.
    revisionless: HashMap<(String, String), Vec<Entry>>,
    /// Names with one version number, found under their other words
    /// (`Devstral 2` under `devstral`).
    versionless: HashMap<(String, String), Vec<Entry>>,
    /// Every word of the names of models the sources created.
    vocabulary: HashSet<String>,
    /// The first word of each of those names, as written.
    leads: HashSet<String>,
    /// Every core key of a released (not preview) model, whatever its variant.
    cores: HashSet<String>,
    /// Each model's release dates, as each of its sources gives it.
    released: Vec<Vec<chrono::NaiveDate>>,
    /// The leaderboards each model holds a row of (see [`boards`]).
    boards: Vec<BTreeSet<String>>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            models: Vec::new(),
            by_id: HashMap::new(),
            index: HashMap::new(),
            relaxed: HashMap::new(),
            exact: HashMap::new(),
            shape: Vec::new(),
            previewless: HashMap::new(),
            versionless: HashMap::new(),
            sizes: HashMap::new(),
            revisionless: HashMap::new(),
            vocabulary: HashSet::new(),
            leads: HashSet::new(),
            cores: HashSet::new(),
            released: Vec::new(),
            boards: Vec::new(),
        }
    }

    /// The core without the words that often differ between two names of
    /// one model: soft words, `0.x` versions, expert counts (`16e`) and
    /// active parameters (`a12b`), which a name may leave out.
    fn relax(core: &[String]) -> String {
        // A host's edition of an open model of a stated size (Groq's
        // `llama-3.1-8b-instant`) is that model; `claude-instant` is not.
        let sized = core.iter().any(|w| is_size(w));
        core.iter()
            .filter(|w| {
                let soft = SOFT_WORDS.contains(&w.as_str())
                    || (sized && HOST_EDITIONS.contains(&w.as_str()))
                    || w.starts_with("0.")
                    || is_expert_count(w)
                    || is_active_size(w);
                !soft
            })
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Records where `model` can be found from now on.
    fn learn(
        &mut self,
        model: usize,
        source: SourceId,
        record: &SourceRecord,
        reading: &RecordReading,
    ) {
        // A record any of whose names says `preview` is a preview, whatever
        // its other names leave out (AA's slug `gemini-3-flash`).
        let is_preview = reading
            .spellings
            .iter()
            .any(|(p, _)| p.core.iter().any(|w| w == "preview"));
        for (parsed, weak) in &reading.spellings {
            let variant = reading.variant_key();
            // Each name is found under its own date: an undated name is the
            // model's plain name ("the first release").
            // An undated name of a record whose other name states the
            // snapshot (AA's slug `deepseek-r1` of "DeepSeek R1 0528") is that
            // snapshot's name, not a plain one.
            let own = parsed.date.map(|date| EntryDate {
                date,
                strong: !weak && !parsed.date_is_remark,
            });
            let entry = (model, own.or(reading.date.filter(|d| d.strong)));
            let key = (parsed.core_key(), variant.clone());
            if !is_preview {
                self.cores.insert(key.0.clone());
            }
            add_entry(&mut self.index, key, entry);
            let relaxed = Self::relax(&parsed.core);
            let (rest, size) = without_size(&relaxed);
            self.sizes
                .entry((rest, variant.clone()))
                .or_default()
                .insert(size.unwrap_or_default());
            if let Some(core) = without_word(&parsed.core, is_revision) {
                add_entry(&mut self.revisionless, (core, variant.clone()), entry);
            }
            if let Some((core, _)) = without_version(&parsed.core) {
                add_entry(&mut self.versionless, (core, variant.clone()), entry);
            }
            if let Some(core) = without_word(&parsed.core, |w| w == "preview") {
                add_entry(&mut self.previewless, (core, variant.clone()), entry);
            }
            add_entry(&mut self.relaxed, (relaxed, variant), entry);
            if source.creates_models() {
                self.vocabulary.extend(parsed.core.iter().cloned());
            }
        }
        self.boards[model].extend(reading.boards.iter().cloned());
        if source.creates_models() {
            let names = std::iter::once(&record.name).chain(record.other_names.iter());
            self.leads.extend(names.filter_map(|n| name::lead_word(n)));
        }
        if let Some(date) = record.release_date
            && source != SourceId::ModelsDev
            && !self.released[model].contains(&date)
        {
            self.released[model].push(date);
        }
        if source == SourceId::OpenRouter || source == SourceId::Custom {
            for id in std::iter::once(&record.name).chain(record.canonical_slug.iter()) {
                self.exact
                    .entry(id.to_lowercase())
                    .or_default()
                    .insert(model);
            }
        }
        if let Some(hf) = &record.hugging_face_id {
            self.exact
                .entry(hf.to_lowercase())
                .or_default()
                .insert(model);
        }
    }

    fn add_model(
        &mut self,
        source: SourceId,
        record: &SourceRecord,
        reading: &RecordReading,
    ) -> usize {
        let base = model_id_for(record, reading);
        let mut id = base.clone();
        let mut n = 2;
        while self.by_id.contains_key(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let index = self.models.len();
        self.models.push(Model {
            id: id.clone(),
            name: display_name(source, record),
            creator: record
                .creator
                .clone()
                .or_else(|| guess_creator(&reading.spellings)),
            open_weights: None,
            release_date: None,
            base_model_id: None,
            line_id: None,
            aliases: Vec::new(),
        });
        let core = reading
            .spellings
            .first()
            .map(|(p, _)| p.core_key())
            .unwrap_or_default();
        self.shape.push((core, reading.date, reading.variant_key()));
        self.released.push(Vec::new());
        self.boards.push(BTreeSet::new());
        self.by_id.insert(id, index);
        index
    }
}

/// A record's names, read.
struct RecordReading {
    /// Each name, and whether its date is only a label (a canonical slug).
    spellings: Vec<(ParsedName, bool)>,
    /// The union of the variants its names state.
    variant: BTreeSet<String>,
    /// The most telling date its names state.
    date: Option<EntryDate>,
    /// The record's own name states no date (such records resolve last).
    name_undated: bool,
    /// The release date the record gives.
    released: Option<chrono::NaiveDate>,
    /// The one-row-per-model leaderboards the record is a row of (see [`boards`]).
    boards: Vec<String>,
}

impl RecordReading {
    fn of(source: SourceId, record: &SourceRecord) -> Self {
        let own = name::parse(&record.name);
        let name_undated = own.date.is_none();
        let own_date = own.date;
        let others = record
            .other_names
            .iter()
            .filter(|n| record.canonical_slug.as_ref() != Some(*n))
            .map(|n| (name::parse(n), false));
        // A canonical slug's date is a listing label wherever it appears; a
        // slug dated apart from the id's own date labels another snapshot's
        // listing (`…-preview-05-06` listed as `…-preview-03-25`): not a name.
        let slug = record
            .canonical_slug
            .iter()
            .map(|n| (name::parse(n), true))
            .filter(|(p, _)| {
                own_date.is_none_or(|own| p.date.is_none_or(|label| own.agrees(&label)))
            });
        let mut spellings: Vec<(ParsedName, bool)> = std::iter::once((own, false))
            .chain(others)
            .chain(slug)
            .filter(|(p, _)| !p.core.is_empty())
            .collect();
        spellings.dedup_by(|a, b| a.0 == b.0);
        let variant = spellings
            .iter()
            .flat_map(|(p, _)| p.variant.iter().cloned())
            .collect();
        let date = spellings
            .iter()
            .filter_map(|(p, weak)| {
                p.date.map(|date| EntryDate {
                    date,
                    strong: !weak && !p.date_is_remark,
                })
            })
            .max_by_key(|d| (d.strong, d.date.day.is_some(), d.date.year.is_some()));
        RecordReading {
            name_undated,
            spellings,
            variant,
            date,
            released: record.release_date,
            boards: boards(source, record),
        }
    }

    fn variant_key(&self) -> String {
        self.variant.iter().cloned().collect::<Vec<_>>().join("+")
    }
}

/// The core without its only version number (`2 devstral` → `devstral`), and that number.
fn without_version(core: &[String]) -> Option<(String, String)> {
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
fn is_size(word: &str) -> bool {
    word.strip_suffix('b').is_some_and(|n| {
        n.starts_with(|c: char| c.is_ascii_digit())
            && n.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// A relaxed core key without its size, and the size when it states exactly one.
fn without_size(key: &str) -> (String, Option<String>) {
    let sizes: Vec<&str> = key.split(' ').filter(|w| is_size(w)).collect();
    let rest: Vec<&str> = key.split(' ').filter(|w| !is_size(w)).collect();
    let size = (sizes.len() == 1).then(|| sizes[0].to_string());
    (rest.join(" "), size)
}

/// `001`: a revision of a model (Google's `gemini-2.0-flash-001`).
fn is_revision(word: &str) -> bool {
    word.len() == 3 && word.starts_with("00") && word.chars().all(|c| c.is_ascii_digit())
}

/// The core key without the words `drop` picks, when it picks any.
fn without_word(core: &[String], drop: impl Fn(&str) -> bool) -> Option<String> {
    core.iter().any(|w| drop(w)).then(|| {
        core.iter()
            .filter(|w| !drop(w))
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Files an entry under a key once.
fn add_entry(map: &mut HashMap<(String, String), Vec<Entry>>, key: (String, String), entry: Entry) {
    let list = map.entry(key).or_default();
    if !list.contains(&entry) {
        list.push(entry);
    }
}

/// The leaderboards with one row per model that a record is a row of: its
/// source when that source lists each model once, and each of the user's
/// benchmarks it has a score in (an imported leaderboard lists a model once
/// too). Two rows of one board are two models.
fn boards(source: SourceId, record: &SourceRecord) -> Vec<String> {
    if source.lists_each_model_once() {
        return vec![source.as_str().to_string()];
    }
    if source != SourceId::Custom {
        return Vec::new();
    }
    let mut names: Vec<String> = record
        .observations
        .iter()
        .filter_map(|o| match &o.metric {
            crate::domain::Metric::Custom(name) => Some(format!("custom:{name}")),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `16e`: the number of experts of a mixture-of-experts model.
fn is_expert_count(word: &str) -> bool {
    word.strip_suffix('e')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// `a12b`, `a3.5b`: the active parameters of a mixture-of-experts model.
fn is_active_size(word: &str) -> bool {
    word.strip_prefix('a')
        .and_then(|w| w.strip_suffix('b'))
        .is_some_and(|n| {
            n.starts_with(|c: char| c.is_ascii_digit())
                && n.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
}

/// Whether a model released on `released` may be the snapshot `date`: within
/// 45 days (a listing often trails the snapshot by days, across a month's end).
fn near(date: &NameDate, released: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let year = date.year.map_or(released.year(), i32::from);
    let day = date.day.unwrap_or(15);
    chrono::NaiveDate::from_ymd_opt(year, u32::from(date.month), u32::from(day))
        .is_some_and(|d| (d - released).num_days().abs() <= 45)
}

/// Whether a month remark (`GPT-4 (May 2023)`, when the result was
/// published) may be about the snapshot `snapshot`: in its month or up to
/// two months after it, never before it.
fn remark_may_follow(remark: &NameDate, snapshot: &NameDate) -> bool {
    let year = |d: &NameDate, other: &NameDate| i32::from(d.year.or(other.year).unwrap_or(0));
    let months = |d: &NameDate, other: &NameDate| year(d, other) * 12 + i32::from(d.month);
    let gap = months(remark, snapshot) - months(snapshot, remark);
    (0..=2).contains(&gap)
}

/// Year and month agree where both are stated.
fn same_month(a: &NameDate, b: &NameDate) -> bool {
    a.month == b.month && a.year.zip(b.year).is_none_or(|(x, y)| x == y)
}

/// The models an index entry list offers for a name dated `date`, in tiers
/// (the first tier with any model decides):
/// - a snapshot date (strong): entries whose own snapshot date agrees, then
///   entries whose label or remark agrees to the month, then undated names
///   of models released within 45 days of it (by any source's release
///   date); never another undated one (`deepseek-r1-0528` is not
///   `deepseek-r1`, released in January);
/// - a label or remark date (weak): entries agreeing to the month, then
///   undated ones;
/// - no date: undated entries (the plain name is the first release), then
///   any entry, which fits only when the model has one snapshot, or when
///   every snapshot is an open-weights release: their plain name is the
///   first one (`Kimi-K2-Instruct` before `…-0905`).
fn candidates(
    b: &Builder,
    entries: &[Entry],
    date: Option<EntryDate>,
    released: Option<chrono::NaiveDate>,
) -> BTreeSet<usize> {
    let pick = |f: &dyn Fn(&Option<EntryDate>) -> bool| -> BTreeSet<usize> {
        entries
            .iter()
            .filter(|(_, d)| f(d))
            .map(|(m, _)| *m)
            .collect()
    };
    let tiers: Vec<BTreeSet<usize>> = match date {
        Some(EntryDate { date, strong: true }) => vec![
            pick(&|d| d.is_some_and(|d| d.strong && date.agrees(&d.date))),
            pick(&|d| d.is_some_and(|d| !d.strong && same_month(&date, &d.date))),
            entries
                .iter()
                .filter(|(m, d)| d.is_none() && b.released[*m].iter().any(|r| near(&date, *r)))
                .map(|(m, _)| *m)
                .collect(),
        ],
        Some(EntryDate {
            date,
            strong: false,
        }) => vec![
            pick(&|d| d.is_some_and(|d| same_month(&date, &d.date))),
            pick(&|d| d.is_none()),
        ],
        None => {
            // The only snapshot, unless the record's release date is months apart from it.
            let mut any = pick(&|_| true);
            if let Some(r) = released {
                any.retain(|m| {
                    b.released[*m].is_empty()
                        || b.released[*m]
                            .iter()
                            .any(|d| (*d - r).num_days().abs() <= 45)
                });
            }
            vec![pick(&|d| d.is_none()), first_release(b, any)]
        }
    };
    // A model one of whose names states another snapshot is not this one,
    // unless another of its names states this very date (a listing label).
    let other_snapshot = |m: usize| {
        date.is_some_and(|q| {
            let labelled = entries.iter().any(|(e, d)| {
                *e == m
                    && d.is_some_and(|d| {
                        d.date.day.is_some() && q.date.agrees(&d.date) && q.date.day.is_some()
                    })
            });
            !labelled
                && entries.iter().any(|(e, d)| {
                    *e == m
                        && d.is_some_and(|d| {
                            d.strong
                                && if q.strong {
                                    !q.date.agrees(&d.date)
                                } else {
                                    !remark_may_follow(&q.date, &d.date)
                                }
                        })
                })
        })
    };
    tiers
        .into_iter()
        .map(|mut t| {
            t.retain(|m| !other_snapshot(*m));
            t
        })
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// Of several snapshots, the first, when all are open-weights releases
/// (whose later versions carry a suffix); otherwise all of them.
fn first_release(b: &Builder, models: BTreeSet<usize>) -> BTreeSet<usize> {
    if models.len() < 2
        || models
            .iter()
            .any(|m| b.models[*m].open_weights != Some(true))
    {
        return models;
    }
    let first = |m: &usize| b.released[*m].iter().min().copied();
    let dates: Vec<Option<chrono::NaiveDate>> = models.iter().map(first).collect();
    let Some(earliest) = dates.iter().flatten().min() else {
        return models;
    };
    let at_earliest: BTreeSet<usize> = models
        .iter()
        .filter(|m| first(m) == Some(*earliest))
        .copied()
        .collect();
    if dates.iter().all(Option::is_some) && at_earliest.len() == 1 {
        at_earliest
    } else {
        models
    }
}

/// Resolves all records into canonical models, with no overrides.
pub fn resolve(batches: &[SourceBatch]) -> Resolution {
    resolve_with(batches, &Overrides::default())
}

/// Resolves all records into canonical models.
pub fn resolve_with(batches: &[SourceBatch], overrides: &Overrides) -> Resolution {
    run(batches, overrides, None).0
}

/// Resolves and explains how one record (by source and name) was decided.
pub fn explain(
    batches: &[SourceBatch],
    overrides: &Overrides,
    source: SourceId,
    name: &str,
) -> (Resolution, Option<Decision>) {
    run(batches, overrides, Some((source, name)))
}

fn run(
    batches: &[SourceBatch],
    overrides: &Overrides,
    watch: Option<(SourceId, &str)>,
) -> (Resolution, Option<Decision>) {
    let mut ordered: Vec<&SourceBatch> = batches.iter().collect();
    ordered.sort_by_key(|b| (resolution_rank(b.source), b.source));

    let mut state = State {
        b: Builder::new(),
        assignment: HashMap::new(),
        unmatched: Vec::new(),
        systems: Vec::new(),
        watched: None,
    };

    for batch in ordered {
        let source = batch.source;
        // Entries that route to another entry go last, so their target
        // exists; dated names before undated ones, so an undated name can
        // tell whether its model has one snapshot or several.
        let mut records: Vec<(&SourceRecord, RecordReading)> = batch
            .records
            .iter()
            .map(|r| (r, RecordReading::of(source, r)))
            .collect();
        records.sort_by(|(x, rx), (y, ry)| {
            (x.alias_of.is_some(), rx.name_undated, &x.name).cmp(&(
                y.alias_of.is_some(),
                ry.name_undated,
                &y.name,
            ))
        });
        let watching =
            |record: &SourceRecord| watch.is_some_and(|(s, n)| s == source && n == record.name);
        // In a leaderboard that lists each model once, names that fit a model
        // as written claim it before names that fit only once read loosely
        // (`CodeLlama-70B-Instruct` before `CodeLlama-70B`).
        let mut deferred = Vec::new();
        for (record, reading) in records {
            if record.system {
                state.systems.push(Alias {
                    source,
                    name: record.name.clone(),
                });
                continue;
            }
            if reading.boards.is_empty() {
                deferred.push((record, reading));
                continue;
            }
            let decision = decide(
                &state.b,
                &state.assignment,
                overrides,
                source,
                record,
                &reading,
                (Pass::AsWritten, watching(record)),
            );
            if decision.model.is_some() {
                state.settle(source, record, &reading, decision, watch);
            } else {
                deferred.push((record, reading));
            }
        }
        for (record, reading) in deferred {
            let decision = decide(
                &state.b,
                &state.assignment,
                overrides,
                source,
                record,
                &reading,
                (Pass::Loosely, watching(record)),
            );
            state.settle(source, record, &reading, decision, watch);
        }
    }
    let State {
        mut b,
        assignment,
        mut unmatched,
        mut systems,
        watched,
    } = state;

    // Variants point to their plain model when exactly one fits.
    let mut plain: HashMap<&str, Vec<Entry>> = HashMap::new();
    for (i, (core, date, variant)) in b.shape.iter().enumerate() {
        if variant.is_empty() {
            plain.entry(core.as_str()).or_default().push((i, *date));
        }
    }
    let mut bases = Vec::new();
    for (i, (core, date, variant)) in b.shape.iter().enumerate() {
        if variant.is_empty() {
            continue;
        }
        if let Some(entries) = plain.get(core.as_str()) {
            let found = candidates(&b, entries, *date, None);
            if found.len() == 1 {
                bases.extend(found.into_iter().map(|base| (i, base)));
            }
        }
    }
    for (variant, base) in bases {
        b.models[variant].base_model_id = Some(b.models[base].id.clone());
    }

    let ids: Vec<String> = b.models.iter().map(|m| m.id.clone()).collect();
    let mut models = b.models;
    for model in &mut models {
        model.aliases.sort();
        model.aliases.dedup();
    }
    models.sort_by(|x, y| x.id.cmp(&y.id));
    unmatched.sort();
    systems.sort();
    let resolution = Resolution {
        models,
        assignment: assignment
            .into_iter()
            .map(|(k, v)| (k, ids[v].clone()))
            .collect(),
        unmatched,
        systems,
    };
    (resolution, watched)
}

/// The resolution so far.
struct State {
    b: Builder,
    assignment: HashMap<(SourceId, String), usize>,
    unmatched: Vec<Unmatched>,
    systems: Vec<Alias>,
    watched: Option<Decision>,
}

impl State {
    /// Acts on a decision: joins the model, makes a new one, or leaves the
    /// name unmatched.
    fn settle(
        &mut self,
        source: SourceId,
        record: &SourceRecord,
        reading: &RecordReading,
        decision: Decision,
        watch: Option<(SourceId, &str)>,
    ) {
        let b = &mut self.b;
        let model = match decision
            .model
            .as_deref()
            .and_then(|id| b.by_id.get(id).copied())
        {
            Some(model) => Some(model),
            // A pin to a model no source created names a new model.
            None if decision.stage == "pin" => Some(b.add_model(source, record, reading)),
            None if source.creates_models() => Some(b.add_model(source, record, reading)),
            None => None,
        };
        if watch.is_some_and(|(s, n)| s == source && n == record.name) {
            let mut decision = decision;
            if decision.model.is_none() {
                decision.model = model.map(|m| b.models[m].id.clone());
                decision.stage = if model.is_some() {
                    "new record"
                } else {
                    "unmatched"
                };
            }
            self.watched = Some(decision);
        }
        let Some(model) = model else {
            self.unmatched.push(Unmatched {
                source,
                name: record.name.clone(),
                candidates: Vec::new(),
            });
            return;
        };
        merge_into(&mut b.models[model], source, record);
        b.learn(model, source, record, reading);
        self.assignment.insert((source, record.name.clone()), model);
    }
}

/// What each stage saw, kept only for a record being explained (writing
/// them for every record would cost more than resolving).
struct Notes {
    on: bool,
    lines: Vec<String>,
}

impl Notes {
    fn new(on: bool) -> Self {
        Notes {
            on,
            lines: Vec::new(),
        }
    }

    fn add(&mut self, line: impl FnOnce() -> String) {
        if self.on {
            self.lines.push(line());
        }
    }
}

/// Which stages a pass runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Up to `parsed`: the name as written.
    AsWritten,
    /// Every stage.
    Loosely,
}

/// Runs the stages for one record.
fn decide(
    b: &Builder,
    assignment: &HashMap<(SourceId, String), usize>,
    overrides: &Overrides,
    source: SourceId,
    record: &SourceRecord,
    reading: &RecordReading,
    (pass, explain): (Pass, bool),
) -> Decision {
    let mut notes = Notes::new(explain);
    let names: Vec<&String> = std::iter::once(&record.name)
        .chain(record.other_names.iter())
        .collect();
    for (parsed, _) in &reading.spellings {
        notes.add(|| {
            format!(
                "read: core `{}`, date {}, variant {}",
                parsed.core_key(),
                parsed.date.map_or("none".to_string(), |d| d.to_string()),
                if parsed.variant.is_empty() {
                    "none".to_string()
                } else {
                    parsed.variant_key()
                },
            )
        });
    }
    if let Some(model) = names.iter().find_map(|n| overrides.pinned(source, n)) {
        notes.add(|| format!("the overrides file pins it to `{model}`"));
        return Decision {
            stage: "pin",
            model: Some(model.to_string()),
            notes: notes.lines,
        };
    }
    // A leaderboard lists a model once: a model that already holds another
    // of its rows is another model.
    // A user's leaderboard may list a model in several runs under one
    // spelling (aider's `(diff)` and `(whole)`): there only the loose readings
    // must keep its rows apart.
    let own_boards = &reading.boards;
    let allowed = |model: usize, loose: bool| {
        let id = &b.models[model].id;
        let listed_already = (loose || source != SourceId::Custom)
            && own_boards
                .iter()
                .any(|board| b.boards[model].contains(board));
        !listed_already && !names.iter().any(|n| overrides.forbids(source, n, id))
    };
    let id_of = |m: usize| b.models[m].id.clone();

    if let Some(target) = &record.alias_of
        && let Some(model) = assignment.get(&(source, target.clone()))
    {
        notes.add(|| format!("the source says it routes to `{target}`"));
        return Decision {
            stage: "route",
            model: Some(id_of(*model)),
            notes: notes.lines,
        };
    }

    if source == SourceId::OpenRouter {
        // Catalogue entries are distinct listings: only the same canonical
        // slug makes two of them one model.
        // An id whose own snapshot date differs from its slug's names another
        // snapshot (`…-preview-05-06` listed under `…-preview-03-25`).
        let own_date = reading.spellings.first().and_then(|(p, _)| p.date);
        let same_slug = record
            .canonical_slug
            .as_ref()
            .filter(|slug| {
                own_date
                    .zip(name::parse(slug).date)
                    .is_none_or(|(own, label)| own.agrees(&label))
            })
            .and_then(|slug| b.exact.get(&slug.to_lowercase()))
            .filter(|models| models.len() == 1)
            .and_then(|models| models.iter().next().copied());
        if let Some(model) = same_slug {
            notes.add(|| "another catalogue entry has the same canonical slug".to_string());
            return Decision {
                stage: "exact id",
                model: Some(id_of(model)),
                notes: notes.lines,
            };
        }
        // An undated listing created when its one dated sibling's snapshot
        // came out names that snapshot (`openai/gpt-4o-mini` listed with
        // `…-2024-07-18`); one listed months apart is another release.
        if reading.date.is_none_or(|d| !d.strong)
            && let Some(listed) = record.release_date
            && let Some((parsed, _)) = reading.spellings.first()
            && let Some(entries) = b.index.get(&(parsed.core_key(), reading.variant_key()))
        {
            let dated: BTreeSet<usize> = entries
                .iter()
                .filter(|(_, d)| d.is_some_and(|d| d.strong))
                .map(|(m, _)| *m)
                .collect();
            let near_listing: Vec<usize> = entries
                .iter()
                .filter(|(_, d)| {
                    d.is_some_and(|d| d.strong && d.date.year.is_some() && near(&d.date, listed))
                })
                .map(|(m, _)| *m)
                .collect();
            if dated.len() == 1 && near_listing.first().is_some_and(|m| dated.contains(m)) {
                let model = near_listing[0];
                notes.add(|| {
                    format!(
                        "an undated listing created with its only dated sibling `{}`",
                        id_of(model)
                    )
                });
                return Decision {
                    stage: "exact id",
                    model: Some(id_of(model)),
                    notes: notes.lines,
                };
            }
        }
        notes.add(|| "a catalogue entry of its own".to_string());
        return Decision {
            stage: "no match",
            model: None,
            notes: notes.lines,
        };
    }
    {
        let mut found = BTreeSet::new();
        for name in &names {
            let lower = name.to_lowercase();
            let segments: Vec<&str> = lower.split('/').collect();
            for k in 1..=segments.len().min(3) {
                let tail = segments[segments.len() - k..].join("/");
                if !tail.contains('/') {
                    continue;
                }
                if let Some(models) = b.exact.get(&tail) {
                    found.extend(models.iter().copied().filter(|m| allowed(*m, false)));
                }
            }
        }
        // An exact id names one snapshot; a variant name must still state the same variant.
        found.retain(|m| b.shape[*m].2 == reading.variant_key());
        if found.len() == 1 {
            let model = found.into_iter().next().unwrap_or_default();
            notes.add(|| format!("its name contains the known id of `{}`", id_of(model)));
            return Decision {
                stage: "exact id",
                model: Some(id_of(model)),
                notes: notes.lines,
            };
        }
        if found.len() > 1 {
            notes.add(|| format!("known ids of {} models; no exact-id match", found.len()));
        }
    }

    if let Some((stage, model)) = staged(b, reading, &allowed, &mut notes, "", pass) {
        return Decision {
            stage,
            model: Some(id_of(model)),
            notes: notes.lines,
        };
    }
    // Price lists name gateways' products: try the id without a gateway's
    // word in front, or with the provider's family word when the id has none
    // (`kimi-for-coding/k2p6`).
    if !source.creates_models() && pass == Pass::Loosely {
        for alternate in alternate_readings(b, record, reading) {
            if let Some((stage, model)) = staged(
                b,
                &alternate.reading,
                &allowed,
                &mut notes,
                alternate.why,
                pass,
            ) {
                return Decision {
                    stage,
                    model: Some(id_of(model)),
                    notes: notes.lines,
                };
            }
        }
    }
    Decision {
        stage: "no match",
        model: None,
        notes: notes.lines,
    }
}

/// Another way to read a price list's id.
struct Alternate {
    why: &'static str,
    reading: RecordReading,
}

fn alternate_readings(
    b: &Builder,
    record: &SourceRecord,
    reading: &RecordReading,
) -> Vec<Alternate> {
    let mut out = Vec::new();
    let provider_words: Vec<String> = record
        .name
        .split_once('/')
        .filter(|_| !record.name.contains(' '))
        .map(|(provider, _)| {
            provider
                .split(['-', '_', '.'])
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let with = |parsed: ParsedName| {
        let mut variant = reading.variant.clone();
        variant.extend(parsed.variant.iter().cloned());
        let date = parsed
            .date
            .map(|date| EntryDate {
                date,
                strong: !parsed.date_is_remark,
            })
            .or(reading.date);
        RecordReading {
            spellings: vec![(parsed, false)],
            variant,
            date,
            name_undated: reading.name_undated,
            released: reading.released,
            boards: reading.boards.clone(),
        }
    };
    if let Some((lead, parsed)) = name::without_lead(&record.name) {
        // The word dropped must not begin models' names (a gateway's:
        // `azure`, `umans`, `cerebras`), or be the provider's own name
        // repeated (`gemini/gemini-gemma-2-27b-it`). And the id must sit
        // right under its provider: under an owner's path the first word
        // names a fine-tune (`EVA-UNIT-01/EVA-Qwen2.5-32B`).
        let gateway = (!b.leads.contains(&lead) || provider_words.first() == Some(&lead))
            && record.name.matches('/').count() <= 1;
        // What is left must still name a model family (`o1`, `glm`), not
        // only a size or a number.
        let names_a_model = parsed.core.iter().any(|w| {
            b.vocabulary.contains(w)
                && w.chars().any(|c| c.is_ascii_alphabetic())
                && !w.ends_with('b')
        });
        if gateway && names_a_model {
            out.push(Alternate {
                why: "without the gateway's word: ",
                reading: with(parsed),
            });
        }
    }
    if let Some(family) = provider_words.first()
        && b.vocabulary.contains(family)
        && name::is_family_word(family)
        && reading
            .spellings
            .iter()
            .all(|(p, _)| !p.core.iter().any(|w| name::is_family_word(w)))
        && let Some((_, key)) = record.name.rsplit_once('/')
    {
        out.push(Alternate {
            why: "with the provider's family word: ",
            reading: with(name::parse(&format!("{family}-{key}"))),
        });
    }
    out
}

/// What the reading stages make of a record's names.
fn staged(
    b: &Builder,
    reading: &RecordReading,
    allowed: &dyn Fn(usize, bool) -> bool,
    notes: &mut Notes,
    why: &str,
    pass: Pass,
) -> Option<(&'static str, usize)> {
    let id_of = |m: usize| b.models[m].id.clone();
    for (stage, table, mode) in [
        ("parsed", &b.index, Reading::AsIs),
        ("base", &b.index, Reading::Base),
        ("relaxed", &b.relaxed, Reading::Relaxed),
        ("squeezed version", &b.index, Reading::Squeezed),
        ("preview", &b.previewless, Reading::Preview),
        ("revision", &b.revisionless, Reading::Revision),
        ("size", &b.relaxed, Reading::Size),
    ] {
        if pass == Pass::AsWritten && !matches!(mode, Reading::AsIs) {
            break;
        }
        let variant = reading.variant_key();
        let mut chosen: BTreeSet<usize> = BTreeSet::new();
        let mut ambiguous = false;
        for (parsed, _) in &reading.spellings {
            // Only the same snapshot date will do.
            let mut same_snapshot = false;
            let mut held_revision: Option<&Vec<Entry>> = None;
            let (core, table) = match mode {
                Reading::AsIs => (parsed.core_key(), table),
                Reading::Base => {
                    let tuned = ["instruct", "chat", "base"];
                    if parsed.core.iter().any(|w| tuned.contains(&w.as_str())) {
                        continue;
                    }
                    let mut words = parsed.core.clone();
                    words.push("base".to_string());
                    words.sort();
                    (words.join(" "), table)
                }
                Reading::Relaxed => (Builder::relax(&parsed.core), table),
                Reading::Squeezed => match unsqueeze(&parsed.core) {
                    Some(core) => (core, table),
                    None => continue,
                },
                // A dated preview is its snapshot under a name without the
                // word (`kimi-k2-0711-preview`).
                Reading::Preview => match without_word(&parsed.core, |w| w == "preview") {
                    Some(core) if reading.date.is_some_and(|d| d.strong) => {
                        same_snapshot = true;
                        (core, &b.index)
                    }
                    Some(_) => continue,
                    // A name without the word is the preview when no model
                    // of that name exists in any variant, and the record is
                    // not dated apart from it (`QwQ 32B` released months
                    // after `qwq-32b-preview`).
                    // A dated name without the word is the preview of that
                    // date even then (`Gemini 2.5 Pro (06-05)`).
                    None if b.cores.contains(&parsed.core_key()) => {
                        if !reading
                            .date
                            .is_some_and(|d| d.strong && d.date.day.is_some())
                        {
                            continue;
                        }
                        same_snapshot = true;
                        (parsed.core_key(), table)
                    }
                    None => (parsed.core_key(), table),
                },
                // A name with a revision is the plain name's model when
                // that model holds no other revision.
                // A family known unsized, and in no size but this one.
                Reading::Size => {
                    let (rest, size) = without_size(&Builder::relax(&parsed.core));
                    let Some(size) = size else { continue };
                    let one_size =
                        b.sizes
                            .get(&(rest.clone(), variant.clone()))
                            .is_some_and(|known| {
                                known.contains("")
                                    && known.iter().all(|k| k.is_empty() || *k == size)
                            });
                    if !one_size {
                        continue;
                    }
                    (rest, table)
                }
                Reading::Revision => match without_word(&parsed.core, is_revision) {
                    Some(core) => {
                        held_revision = table.get(&(core.clone(), variant.clone()));
                        (core, &b.index)
                    }
                    None => (parsed.core_key(), table),
                },
            };
            let Some(entries) = table.get(&(core.clone(), variant.clone())) else {
                continue;
            };
            let mut found: BTreeSet<usize> = candidates(b, entries, reading.date, reading.released)
                .into_iter()
                .filter(|m| allowed(*m, !matches!(mode, Reading::AsIs)))
                .collect();
            if matches!(mode, Reading::Preview) && !same_snapshot {
                found.retain(|m| {
                    reading.released.is_none_or(|r| {
                        b.released[*m]
                            .iter()
                            .any(|d| (*d - r).num_days().abs() <= 45)
                    })
                });
            }
            if let Some(held) = held_revision {
                found.retain(|m| !held.iter().any(|(e, _)| e == m));
            }
            if same_snapshot {
                found.retain(|m| {
                    entries.iter().any(|(e, d)| {
                        e == m
                            && d.zip(reading.date).is_some_and(|(d, r)| {
                                d.strong && r.date.day.is_some() && r.date.agrees(&d.date)
                            })
                    })
                });
            }
            match found.len() {
                0 => {}
                1 => {
                    chosen.extend(found);
                }
                n => {
                    let describe = |m: &usize| {
                        let dates: Vec<String> = entries
                            .iter()
                            .filter(|(e, _)| e == m)
                            .map(|(_, d)| match d {
                                Some(d) if d.strong => d.date.to_string(),
                                Some(d) => format!("~{}", d.date),
                                None => "undated".to_string(),
                            })
                            .collect();
                        format!("{} [{}]", id_of(*m), dates.join(" "))
                    };
                    notes.add(|| {
                        format!(
                            "{why}{stage}: `{core}` fits {n} models ({}); ambiguous",
                            found.iter().map(describe).collect::<Vec<_>>().join(", ")
                        )
                    });
                    ambiguous = true;
                }
            }
        }
        if chosen.len() == 1 && !ambiguous {
            let model = chosen.into_iter().next().unwrap_or_default();
            notes.add(|| format!("{why}{stage}: exactly one model fits: `{}`", id_of(model)));
            return Some((stage, model));
        }
        if chosen.len() > 1 || ambiguous {
            if chosen.len() > 1 {
                notes.add(|| {
                    format!(
                        "{why}{stage}: its names fit different models ({}); no match",
                        chosen
                            .iter()
                            .map(|m| id_of(*m))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            }
            return None;
        }
        notes.add(|| format!("{why}{stage}: no model fits"));
    }
    if pass == Pass::Loosely
        && let Some(model) = version_for_date(b, reading, allowed)
    {
        notes.add(|| format!(
            "{why}version for date: the only model whose version and date fit its release: `{}`",
            id_of(model)
        ));
        return Some(("version for date", model));
    }
    None
}

/// A vendor's version name and its dated id are one model when the release
/// dates agree: `Devstral 2` (released 2025-12-09) is `devstral-2512`,
/// `Mistral Small 3` (2025-01-30) is `mistral-small-2501`.
fn version_for_date(
    b: &Builder,
    reading: &RecordReading,
    allowed: &dyn Fn(usize, bool) -> bool,
) -> Option<usize> {
    let variant = reading.variant_key();
    let mut found = BTreeSet::new();
    for (parsed, _) in &reading.spellings {
        let key = |core: String| (core, variant.clone());
        match (reading.date, parsed.date) {
            // A dated id: its undated version names released near that date.
            (Some(EntryDate { date, strong: true }), Some(_)) if date.year.is_some() => {
                for (m, d) in b.versionless.get(&key(parsed.core_key()))? {
                    if d.is_none() && b.released[*m].iter().any(|r| near(&date, *r)) {
                        found.insert(*m);
                    }
                }
            }
            // A version name with a release date: dated ids near it.
            (None, None) => {
                let released = reading.released?;
                let (core, _) = without_version(&parsed.core)?;
                for (m, d) in b.index.get(&key(core))? {
                    if d.is_some_and(|d| {
                        d.strong && d.date.year.is_some() && near(&d.date, released)
                    }) {
                        found.insert(*m);
                    }
                }
            }
            _ => {}
        }
    }
    found.retain(|m| allowed(*m, true));
    (found.len() == 1)
        .then(|| found.into_iter().next())
        .flatten()
}

fn merge_into(model: &mut Model, source: SourceId, record: &SourceRecord) {
    model.aliases.push(Alias {
        source,
        name: record.name.clone(),
    });
    for other in &record.other_names {
        model.aliases.push(Alias {
            source,
            name: other.clone(),
        });
    }
    if let Some(flag) = record.open_weights
        && (model.open_weights.is_none() || flag)
    {
        model.open_weights = Some(flag);
    }
    if let Some(date) = record.release_date
        && source != SourceId::ModelsDev
    {
        model.release_date = Some(model.release_date.map_or(date, |d| d.min(date)));
    }
    if model.creator.is_none() {
        model.creator = record.creator.clone();
    }
}

fn display_name(source: SourceId, record: &SourceRecord) -> String {
    match (source, &record.display_name) {
        (_, Some(name)) => name.clone(),
        (SourceId::ArtificialAnalysis, None) => record
            .other_names
            .first()
            .cloned()
            .unwrap_or_else(|| record.name.clone()),
        _ => record.name.clone(),
    }
}

/// The creator of a model family, from the words of its name.
fn guess_creator(spellings: &[(ParsedName, bool)]) -> Option<String> {
    const FAMILIES: &[(&str, &str)] = &[
        ("claude", "anthropic"),
        ("gpt", "openai"),
        ("chatgpt", "openai"),
        ("o1", "openai"),
        ("o3", "openai"),
        ("o4", "openai"),
        ("codex", "openai"),
        ("gemini", "google"),
        ("gemma", "google"),
        ("llama", "meta"),
        ("codellama", "meta"),
        ("qwen", "qwen"),
        ("qwq", "qwen"),
        ("deepseek", "deepseek"),
        ("mistral", "mistralai"),
        ("mixtral", "mistralai"),
        ("codestral", "mistralai"),
        ("devstral", "mistralai"),
        ("magistral", "mistralai"),
        ("grok", "x-ai"),
        ("glm", "z-ai"),
        ("kimi", "moonshotai"),
        ("minimax", "minimax"),
        ("nemotron", "nvidia"),
        ("nova", "amazon"),
        ("phi", "microsoft"),
        ("starcoder", "bigcode"),
        ("starcoder2", "bigcode"),
        ("granite", "ibm"),
        ("command", "cohere"),
        ("yi", "01-ai"),
    ];
    spellings
        .iter()
        .flat_map(|(p, _)| p.core.iter())
        .find_map(|word| {
            FAMILIES
                .iter()
                .find(|(family, _)| word == family)
                .map(|(_, creator)| creator.to_string())
        })
}

/// A stable, readable id: the source's canonical slug when it has one (it is
/// already `creator/model-snapshot`), otherwise creator plus the name.
fn model_id_for(record: &SourceRecord, reading: &RecordReading) -> String {
    // A slug whose date differs from the id's own names the listing, not the snapshot.
    let listing = record.canonical_slug.as_ref().filter(|listing| {
        let own = reading.spellings.first().and_then(|(p, _)| p.date);
        own.zip(name::parse(listing).date)
            .is_none_or(|(own, label)| own.agrees(&label))
    });
    let raw = match listing {
        Some(listing) => listing.clone(),
        None if record.name.contains('/') => record.name.clone(),
        None => {
            let creator = record
                .creator
                .clone()
                .or_else(|| guess_creator(&reading.spellings))
                .unwrap_or_else(|| "unknown".to_string());
            format!("{creator}/{}", record.name)
        }
    };
    slug(raw.trim_start_matches('~'))
}

/// Lowercase ASCII letters, digits, `.`, `-` and one `/`; anything else becomes `-`.
fn slug(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut slash_seen = false;
    for c in raw.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'a'..='z' | '0'..='9' | '.' => c,
            '/' if !slash_seen => {
                slash_seen = true;
                '/'
            }
            _ => '-',
        };
        if c == '-' && (out.ends_with('-') || out.ends_with('/') || out.is_empty()) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn record(name: &str, slug: Option<&str>, alias_of: Option<&str>) -> SourceRecord {
        let mut r = SourceRecord::named(name);
        r.canonical_slug = slug.map(str::to_string);
        r.alias_of = alias_of.map(str::to_string);
        r.creator = name.split_once('/').map(|(c, _)| c.to_string());
        r
    }

    fn batch(source: SourceId, records: Vec<SourceRecord>) -> SourceBatch {
        SourceBatch {
            source,
            as_of: Utc::now(),
            fetched_at: Utc::now(),
            rows_read: records.len(),
            records,
        }
    }

    #[test]
    fn free_routes_and_latest_aliases_join_their_target() {
        let resolution = resolve(&[batch(
            SourceId::OpenRouter,
            vec![
                record("qwen/qwen3-coder:free", None, Some("qwen/qwen3-coder")),
                record(
                    "qwen/qwen3-coder",
                    Some("qwen/qwen3-coder-480b-a35b-07-25"),
                    None,
                ),
                record("~qwen/latest", None, Some("qwen/qwen3-coder")),
            ],
        )]);
        assert_eq!(resolution.models.len(), 1);
        assert_eq!(resolution.models[0].id, "qwen/qwen3-coder-480b-a35b-07-25");
        assert_eq!(
            resolution.model_of(SourceId::OpenRouter, "qwen/qwen3-coder:free"),
            Some("qwen/qwen3-coder-480b-a35b-07-25")
        );
    }

    #[test]
    fn price_lists_only_enrich_existing_models() {
        let resolution = resolve(&[
            batch(
                SourceId::LiteLlm,
                vec![
                    record("openai/gpt-4o-mini", None, None),
                    record("nobody/else", None, None),
                ],
            ),
            batch(
                SourceId::OpenRouter,
                vec![record("openai/gpt-4o-mini", None, None)],
            ),
        ]);
        assert_eq!(resolution.models.len(), 1);
        assert_eq!(
            resolution.model_of(SourceId::LiteLlm, "openai/gpt-4o-mini"),
            Some("openai/gpt-4o-mini")
        );
        assert_eq!(
            resolution.unmatched,
            vec![Unmatched {
                source: SourceId::LiteLlm,
                name: "nobody/else".into(),
                candidates: Vec::new(),
            }]
        );
    }

    #[test]
    fn snapshots_stay_apart_and_spellings_join() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![
                    record(
                        "anthropic/claude-3.5-sonnet",
                        Some("anthropic/claude-3.5-sonnet-20241022"),
                        None,
                    ),
                    record(
                        "anthropic/claude-3.5-sonnet-20240620",
                        Some("anthropic/claude-3.5-sonnet-20240620"),
                        None,
                    ),
                ],
            ),
            batch(
                SourceId::EvalPlus,
                vec![
                    record("Claude 3.5 Sonnet (Oct 2024)", None, None),
                    record("claude-3-5-sonnet-20240620", None, None),
                ],
            ),
        ]);
        assert_eq!(resolution.models.len(), 2);
        assert_eq!(
            resolution.model_of(SourceId::EvalPlus, "Claude 3.5 Sonnet (Oct 2024)"),
            Some("anthropic/claude-3.5-sonnet-20241022")
        );
        assert_eq!(
            resolution.model_of(SourceId::EvalPlus, "claude-3-5-sonnet-20240620"),
            Some("anthropic/claude-3.5-sonnet-20240620")
        );
    }

    #[test]
    fn an_undated_name_with_two_snapshots_matches_neither() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![
                    record(
                        "openai/gpt-4o-2024-05-13",
                        Some("openai/gpt-4o-2024-05-13"),
                        None,
                    ),
                    record(
                        "openai/gpt-4o-2024-08-06",
                        Some("openai/gpt-4o-2024-08-06"),
                        None,
                    ),
                ],
            ),
            batch(SourceId::LiteLlm, vec![record("gpt-4o", None, None)]),
        ]);
        assert_eq!(resolution.model_of(SourceId::LiteLlm, "gpt-4o"), None);
    }

    #[test]
    fn variants_are_their_own_models_linked_to_the_base() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![record(
                    "openai/gpt-5",
                    Some("openai/gpt-5-2025-08-07"),
                    None,
                )],
            ),
            batch(
                SourceId::Aider,
                vec![
                    record("gpt-5 (high)", None, None),
                    record("gpt-5 (medium)", None, None),
                ],
            ),
        ]);
        assert_eq!(resolution.models.len(), 3);
        let high = resolution
            .model_of(SourceId::Aider, "gpt-5 (high)")
            .expect("a model");
        let model = resolution
            .models
            .iter()
            .find(|m| m.id == high)
            .expect("listed");
        assert_eq!(
            model.base_model_id.as_deref(),
            Some("openai/gpt-5-2025-08-07")
        );
    }

    #[test]
    fn versions_written_without_their_dot_are_read_last() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![
                    record("minimax/minimax-m2.5", None, None),
                    record("anthropic/claude-opus-4.1", None, None),
                ],
            ),
            batch(
                SourceId::LiteLlm,
                vec![
                    record("drun/minimax-m25", None, None),
                    record("copilot/claude-opus-41", None, None),
                ],
            ),
        ]);
        assert_eq!(
            resolution.model_of(SourceId::LiteLlm, "drun/minimax-m25"),
            Some("minimax/minimax-m2.5")
        );
        assert_eq!(
            resolution.model_of(SourceId::LiteLlm, "copilot/claude-opus-41"),
            Some("anthropic/claude-opus-4.1")
        );
        assert_eq!(
            unsqueeze(&["4.1".into(), "claude".into()]),
            None,
            "nothing to dot"
        );
    }

    fn dated(name: &str, other: &[&str], released: &str, open: Option<bool>) -> SourceRecord {
        let mut r = record(name, None, None);
        r.other_names = other.iter().map(|n| n.to_string()).collect();
        r.release_date = released.parse().ok();
        r.open_weights = open;
        r
    }

    #[test]
    fn a_dated_preview_id_is_the_snapshot_of_that_date() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![
                    dated(
                        "moonshotai/kimi-k2",
                        &["MoonshotAI: Kimi K2 0711"],
                        "2025-07-11",
                        Some(true),
                    ),
                    dated("moonshotai/kimi-k2-0905", &[], "2025-09-04", Some(true)),
                ],
            ),
            batch(
                SourceId::SweBench,
                vec![
                    record("moonshot/kimi-k2-0711-preview", None, None),
                    record("kimi-k2-0905-preview", None, None),
                ],
            ),
        ]);
        assert_eq!(
            resolution.model_of(SourceId::SweBench, "moonshot/kimi-k2-0711-preview"),
            Some("moonshotai/kimi-k2")
        );
        assert_eq!(
            resolution.model_of(SourceId::SweBench, "kimi-k2-0905-preview"),
            Some("moonshotai/kimi-k2-0905")
        );
    }

    #[test]
    fn the_plain_name_of_open_weights_is_their_first_release_but_not_of_an_api() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![
                    dated(
                        "moonshotai/kimi-k2",
                        &["MoonshotAI: Kimi K2 0711"],
                        "2025-07-11",
                        Some(true),
                    ),
                    dated("moonshotai/kimi-k2-0905", &[], "2025-09-04", Some(true)),
                    dated("openai/gpt-4o-2024-05-13", &[], "2024-05-13", Some(false)),
                    dated("openai/gpt-4o-2024-08-06", &[], "2024-08-06", Some(false)),
                ],
            ),
            batch(
                SourceId::Aider,
                vec![record("Kimi K2", None, None), record("gpt-4o", None, None)],
            ),
        ]);
        assert_eq!(
            resolution.model_of(SourceId::Aider, "Kimi K2"),
            Some("moonshotai/kimi-k2")
        );
        let gpt4o = resolution.model_of(SourceId::Aider, "gpt-4o");
        assert!(
            gpt4o.is_some_and(|m| !m.contains("2024")),
            "a moving API alias stays apart: {gpt4o:?}"
        );
    }

    #[test]
    fn a_name_without_preview_is_the_preview_only_when_nothing_else_fits() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![
                    dated("google/gemini-3-flash-preview", &[], "2025-12-17", None),
                    dated("google/gemini-2.5-flash", &[], "2025-06-17", None),
                    dated(
                        "google/gemini-2.5-flash-preview-09-2025",
                        &[],
                        "2025-09-25",
                        None,
                    ),
                    dated("qwen/qwq-32b-preview", &[], "2024-11-28", Some(true)),
                ],
            ),
            batch(
                SourceId::ArtificialAnalysis,
                vec![dated("qwq-32b", &["QwQ 32B"], "2025-03-05", Some(true))],
            ),
            batch(
                SourceId::ModelsDev,
                vec![
                    record("neon/gemini-3-flash", None, None),
                    record("neon/gemini-2.5-flash", None, None),
                ],
            ),
        ]);
        assert_eq!(
            resolution.model_of(SourceId::ModelsDev, "neon/gemini-3-flash"),
            Some("google/gemini-3-flash-preview")
        );
        assert_eq!(
            resolution.model_of(SourceId::ModelsDev, "neon/gemini-2.5-flash"),
            Some("google/gemini-2.5-flash"),
            "the released model, not a preview"
        );
        assert_ne!(
            resolution.model_of(SourceId::ArtificialAnalysis, "qwq-32b"),
            Some("qwen/qwq-32b-preview"),
            "released months after the preview"
        );
    }

    #[test]
    fn a_leaderboard_lists_each_model_once() {
        let resolution = resolve(&[
            batch(
                SourceId::BigCodeBench,
                vec![
                    record("CodeLlama-70B-Instruct", None, None),
                    record("CodeLlama-70B-Base", None, None),
                ],
            ),
            batch(
                SourceId::EvalPlus,
                vec![
                    record("CodeLlama-70B", None, None),
                    record("CodeLlama-70B-Instruct", None, None),
                ],
            ),
        ]);
        let instruct = resolution.model_of(SourceId::BigCodeBench, "CodeLlama-70B-Instruct");
        assert_eq!(
            resolution.model_of(SourceId::EvalPlus, "CodeLlama-70B-Instruct"),
            instruct,
            "the name as written claims its model first"
        );
        assert_ne!(
            resolution.model_of(SourceId::EvalPlus, "CodeLlama-70B"),
            instruct
        );
        assert_eq!(
            resolution.model_of(SourceId::EvalPlus, "CodeLlama-70B"),
            resolution.model_of(SourceId::BigCodeBench, "CodeLlama-70B-Base"),
            "a plain name is the base release when one is listed"
        );
    }

    #[test]
    fn an_imported_leaderboard_lists_each_model_once_too() {
        let row = |name: &str, board: &str| {
            let mut r = record(name, None, None);
            r.observe(crate::domain::Observation::new(
                crate::domain::Metric::Custom(board.to_string()),
                50.0,
            ));
            r
        };
        let resolution = resolve(&[batch(
            SourceId::Custom,
            vec![
                row("Gemma-7B", "board-a"),
                row("Gemma-7B-Instruct", "board-a"),
                row("gemma-7b-it", "board-b"),
                row("gpt-4-turbo-2024-04-09 (udiff)", "board-a"),
                row("gpt-4-turbo-2024-04-09 (diff)", "board-a"),
            ],
        )]);
        let of = |name: &str| resolution.model_of(SourceId::Custom, name);
        assert_ne!(
            of("Gemma-7B"),
            of("Gemma-7B-Instruct"),
            "two rows of one board"
        );
        assert_eq!(
            of("gemma-7b-it"),
            of("Gemma-7B-Instruct"),
            "one model on two boards"
        );
        assert_eq!(
            of("gpt-4-turbo-2024-04-09 (udiff)"),
            of("gpt-4-turbo-2024-04-09 (diff)"),
            "two runs of one model, spelled alike"
        );
    }

    #[test]
    fn gateway_words_and_provider_families_in_price_list_ids() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![
                    record("z-ai/glm-5.1", None, None),
                    record("openai/o1", Some("openai/o1-2024-12-17"), None),
                    record("moonshotai/kimi-k2.6", None, None),
                    record("qwen/qwen3-8b", None, None),
                ],
            ),
            batch(
                SourceId::ModelsDev,
                vec![
                    record("umans-ai/umans-glm-5.1", None, None),
                    record("nano-gpt/azure-o1", None, None),
                    record("kimi-for-coding/k2p6", None, None),
                    record("nano-gpt/soob3123/GrayLine-Qwen3-8B", None, None),
                ],
            ),
        ]);
        let of = |name: &str| resolution.model_of(SourceId::ModelsDev, name);
        assert_eq!(of("umans-ai/umans-glm-5.1"), Some("z-ai/glm-5.1"));
        assert_eq!(of("nano-gpt/azure-o1"), Some("openai/o1-2024-12-17"));
        assert_eq!(of("kimi-for-coding/k2p6"), Some("moonshotai/kimi-k2.6"));
        assert_eq!(
            of("nano-gpt/soob3123/GrayLine-Qwen3-8B"),
            None,
            "a fine-tune"
        );
    }

    #[test]
    fn version_names_and_revisions_meet_their_dated_ids() {
        let resolution = resolve(&[
            batch(
                SourceId::ArtificialAnalysis,
                vec![
                    dated("devstral-2", &["Devstral 2"], "2025-12-09", Some(true)),
                    dated(
                        "gemini-2-0-flash",
                        &["Gemini 2.0 Flash (Feb '25)"],
                        "2025-02-05",
                        None,
                    ),
                ],
            ),
            batch(
                SourceId::SweBench,
                vec![
                    record("devstral-2512", None, None),
                    record("devstral-2505", None, None),
                ],
            ),
            batch(
                SourceId::BigCodeBench,
                vec![record("Gemini-2.0-Flash-001", None, None)],
            ),
        ]);
        let devstral = resolution.model_of(SourceId::ArtificialAnalysis, "devstral-2");
        assert_eq!(
            resolution.model_of(SourceId::SweBench, "devstral-2512"),
            devstral
        );
        assert_ne!(
            resolution.model_of(SourceId::SweBench, "devstral-2505"),
            devstral,
            "released months apart"
        );
        assert_eq!(
            resolution.model_of(SourceId::BigCodeBench, "Gemini-2.0-Flash-001"),
            resolution.model_of(SourceId::ArtificialAnalysis, "gemini-2-0-flash")
        );
    }

    #[test]
    fn a_size_may_be_left_out_only_for_a_family_known_in_one_size() {
        let resolution = resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![
                    record("mistralai/mistral-nemo", None, None),
                    record("qwen/qwen2.5-coder", None, None),
                    record("qwen/qwen2.5-coder-32b-instruct", None, None),
                ],
            ),
            batch(
                SourceId::BigCodeBench,
                vec![
                    record("Mistral-Nemo-12B-Instruct", None, None),
                    record("Qwen2.5-Coder-7B-Instruct", None, None),
                ],
            ),
        ]);
        assert_eq!(
            resolution.model_of(SourceId::BigCodeBench, "Mistral-Nemo-12B-Instruct"),
            Some("mistralai/mistral-nemo")
        );
        assert_eq!(
            Builder::relax(&name::parse("groq/llama-3.1-8b-instant").core),
            Builder::relax(&name::parse("Llama-3.1-8B-Instruct").core)
        );
        assert_ne!(
            Builder::relax(&name::parse("claude-instant").core),
            Builder::relax(&name::parse("claude").core)
        );
        assert_ne!(
            resolution.model_of(SourceId::BigCodeBench, "Qwen2.5-Coder-7B-Instruct"),
            Some("qwen/qwen2.5-coder"),
            "the family comes in another size too"
        );
    }

    #[test]
    fn slugs_are_lowercase_with_one_slash() {
        assert_eq!(slug("Meta/Llama 3.1 (405B)/x"), "meta/llama-3.1-405b-x");
        assert_eq!(slug("~anthropic/claude"), "anthropic/claude");
    }
}
