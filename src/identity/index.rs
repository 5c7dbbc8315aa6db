//! What the resolver knows so far: the models made, and the keys under
//! which each can be found (its names read as written, and read loosely).

use std::collections::{BTreeSet, HashMap, HashSet};

use super::entry::{Entry, EntryDate};
use super::keys::{
    HOST_EDITIONS, SOFT_WORDS, is_active_size, is_expert_count, is_revision, is_size,
    release_words, without_size, without_version, without_word,
};
use super::name;
use super::naming::{creator_of, display_name, model_id_for, other_ids, variant_label};
use super::reading::RecordReading;
use crate::domain::{Alias, Model, SourceId, SourceRecord};

pub(super) struct Index {
    pub(super) models: Vec<Model>,
    pub(super) by_id: HashMap<String, usize>,
    /// (core, variant) → (model, date of that name).
    pub(super) index: HashMap<(String, String), Vec<Entry>>,
    /// Core → entries of every variant (a name whose setting is unstated
    /// may be any of them).
    pub(super) by_core: HashMap<String, Vec<Entry>>,
    /// The same with soft words removed from the core.
    pub(super) relaxed: HashMap<(String, String), Vec<Entry>>,
    /// Lowercased exact ids → models (two models under one id: ambiguous).
    pub(super) exact: HashMap<String, BTreeSet<usize>>,
    /// Each model's plain (core, date) and variant, to link variants to bases.
    pub(super) shape: Vec<(String, Option<EntryDate>, String)>,
    /// Names that say `preview`, found under their words without it.
    pub(super) previewless: HashMap<(String, String), Vec<Entry>>,
    /// The parameter sizes (`12b`; `""` for none) each family's names state,
    /// by relaxed core without the size.
    pub(super) sizes: HashMap<(String, String), BTreeSet<String>>,
    /// Names with a revision (`-001`), found under their other words.
    pub(super) revisionless: HashMap<(String, String), Vec<Entry>>,
    /// Names with one version number, found under their other words
    /// (`Devstral 2` under `devstral`).
    pub(super) versionless: HashMap<(String, String), Vec<Entry>>,
    /// Every word of the names of models the sources created.
    pub(super) vocabulary: HashSet<String>,
    /// Every core key each model's names read as (versions written without
    /// their dot read with it), for linking variants and lines.
    pub(super) core_keys: Vec<BTreeSet<String>>,
    /// How good each model's display name is (see [`name_rank`]).
    ///
    /// [`name_rank`]: super::naming::name_rank
    pub(super) name_rank: Vec<u8>,
    /// Whether a catalogue (OpenRouter, Artificial Analysis) serves each
    /// model: such a model is a tuned one, whatever its plain name.
    pub(super) served: Vec<bool>,
    /// The release words (see [`RELEASE_WORDS`]) each model's names state.
    pub(super) release_words: Vec<BTreeSet<String>>,
    /// The first word of each of those names, as written.
    pub(super) leads: HashSet<String>,
    /// Every core key of a released (not preview) model, whatever its variant.
    pub(super) cores: HashSet<String>,
    /// Each model's release dates, as each of its sources gives it.
    pub(super) released: Vec<Vec<chrono::NaiveDate>>,
    /// The price lists' say on each model's weights: listings calling it
    /// open, and closed. One provider's listing is often wrong, so they
    /// count only by majority, and only where no other source says.
    pub(super) open_votes: Vec<(u32, u32)>,
    /// The leaderboards each model holds a row of (see [`boards`]).
    pub(super) boards: Vec<BTreeSet<String>>,
}

impl Index {
    pub(super) fn new() -> Self {
        Index {
            models: Vec::new(),
            by_id: HashMap::new(),
            index: HashMap::new(),
            by_core: HashMap::new(),
            relaxed: HashMap::new(),
            exact: HashMap::new(),
            shape: Vec::new(),
            previewless: HashMap::new(),
            versionless: HashMap::new(),
            sizes: HashMap::new(),
            revisionless: HashMap::new(),
            vocabulary: HashSet::new(),
            release_words: Vec::new(),
            served: Vec::new(),
            name_rank: Vec::new(),
            core_keys: Vec::new(),
            leads: HashSet::new(),
            cores: HashSet::new(),
            released: Vec::new(),
            open_votes: Vec::new(),
            boards: Vec::new(),
        }
    }

    /// The core without the words that often differ between two names of
    /// one model: soft words, `0.x` versions, expert counts (`16e`) and
    /// active parameters (`a12b`), which a name may leave out.
    pub(super) fn relax(core: &[String]) -> String {
        // A host's edition of an open model of a stated size (Groq's
        // `llama-3.1-8b-instant`) is that model; `claude-instant` is not.
        let sized = core.iter().any(|w| is_size(w));
        // OpenAI's `chat` is the ChatGPT edition, not a chat tune.
        let gpt = core.iter().any(|w| w == "gpt");
        core.iter()
            .filter(|w| {
                let soft = (SOFT_WORDS.contains(&w.as_str()) && !(gpt && *w == "chat"))
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
    pub(super) fn learn(
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
            // The same holds for a month remark of another name (AA's slug
            // `deepseek-v2-5` of "DeepSeek-V2.5 (Dec '24)"); a catalogue's
            // canonical slug labels the listing, not the name.
            let entry = (
                model,
                own.or(reading.date.filter(|d| d.strong))
                    .or(reading.remark_date()),
            );
            let key = (parsed.core_key(), variant.clone());
            if !is_preview {
                self.cores.insert(key.0.clone());
            }
            let list = self.by_core.entry(key.0.clone()).or_default();
            if !list.contains(&entry) {
                list.push(entry);
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
            self.release_words[model].extend(release_words(&parsed.core));
            self.core_keys[model]
                .insert(super::keys::unsqueeze(&parsed.core).unwrap_or_else(|| parsed.core_key()));
            if source.creates_models() {
                self.vocabulary.extend(parsed.core.iter().cloned());
            }
        }
        self.boards[model].extend(reading.boards.iter().cloned());
        if matches!(source, SourceId::OpenRouter | SourceId::ArtificialAnalysis) {
            self.served[model] = true;
        }
        if source.creates_models() {
            // A system's name begins with its agent, which names no model.
            let own = reading.model_text.as_ref().unwrap_or(&record.name);
            let names = std::iter::once(own).chain(record.other_names.iter());
            self.leads.extend(names.filter_map(|n| name::lead_word(n)));
        }
        if let Some(date) = record.release_date
            && source != SourceId::ModelsDev
            && !self.released[model].contains(&date)
        {
            self.released[model].push(date);
        }
        if super::conventions::of(source).cited_ids {
            // A slug another setting is listed under names that setting's
            // plain model, not this record (see `slug_names_its_setting`).
            let slug = record
                .canonical_slug
                .iter()
                .filter(|_| super::reading::slug_names_its_setting(record));
            for id in std::iter::once(&record.name).chain(slug) {
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

    pub(super) fn add_model(
        &mut self,
        source: SourceId,
        record: &SourceRecord,
        reading: &RecordReading,
    ) -> usize {
        let creator = creator_of(source, record, reading);
        let first = model_id_for(record, reading, creator.as_ref());
        let id = std::iter::once(first.clone())
            .chain(other_ids(source, record, reading, creator.as_ref()))
            .find(|id| !self.by_id.contains_key(id))
            .unwrap_or_else(|| format!("{first}-{}", self.models.len()));
        let (name, rank) = display_name(source, record, reading);
        let index = self.models.len();
        self.models.push(Model {
            id: id.clone(),
            name,
            creator: creator.map(|c| c.name),
            open_weights: None,
            release_date: None,
            base_model_id: None,
            line_id: None,
            variant: variant_label(&reading.variant_key()),
            aliases: Vec::new(),
        });
        self.name_rank.push(rank);
        self.core_keys.push(BTreeSet::new());
        let core = reading
            .spellings
            .first()
            .map(|(p, _)| p.core_key())
            .unwrap_or_default();
        self.shape.push((core, reading.date, reading.variant_key()));
        self.release_words.push(BTreeSet::new());
        self.served.push(false);
        self.released.push(Vec::new());
        self.open_votes.push((0, 0));
        self.boards.push(BTreeSet::new());
        self.by_id.insert(id, index);
        index
    }

    /// Merges a record into `model`: its names as aliases, its flags and
    /// dates, a better display name, a creator when the model has none.
    pub(super) fn merge(
        &mut self,
        model: usize,
        source: SourceId,
        record: &SourceRecord,
        reading: &RecordReading,
    ) {
        merge_into(&mut self.models[model], source, record);
        if !source.creates_models()
            && let Some(open) = record.open_weights
        {
            let votes = &mut self.open_votes[model];
            if open {
                votes.0 += 1;
            } else {
                votes.1 += 1;
            }
        }
        let (name, rank) = display_name(source, record, reading);
        // Only a record of the model's own configuration names it.
        if rank < self.name_rank[model] && reading.variant_key() == self.shape[model].2 {
            self.models[model].name = name;
            self.name_rank[model] = rank;
        }
        if self.models[model].creator.is_none() {
            self.models[model].creator = creator_of(source, record, reading).map(|c| c.name);
        }
    }
}

/// Files an entry under a key once.
pub(super) fn add_entry(
    map: &mut HashMap<(String, String), Vec<Entry>>,
    key: (String, String),
    entry: Entry,
) {
    let list = map.entry(key).or_default();
    if !list.contains(&entry) {
        list.push(entry);
    }
}

impl Index {
    /// Each model (of those `which` picks) no other source has said the
    /// weights of takes the price lists' majority (none on a tie).
    pub(super) fn settle_open_weights(&mut self, which: impl Fn(&Model) -> bool) {
        for (model, (open, closed)) in self.models.iter_mut().zip(&self.open_votes) {
            if model.open_weights.is_none() && open != closed && which(model) {
                model.open_weights = Some(open > closed);
            }
        }
    }
}

pub(super) fn merge_into(model: &mut Model, source: SourceId, record: &SourceRecord) {
    model.aliases.push(Alias {
        source,
        name: record.name.clone(),
    });
    // A slug that names another setting's model is not this one's name.
    let slug_is_ours = super::reading::slug_names_its_setting(record);
    for other in record
        .other_names
        .iter()
        .filter(|n| slug_is_ours || record.canonical_slug.as_ref() != Some(*n))
    {
        model.aliases.push(Alias {
            source,
            name: other.clone(),
        });
    }
    // A catalogue, a benchmark or the speed benchmark says what the weights
    // are (a published repository makes them open); a price list only votes
    // (see `Index::open_votes`).
    if let Some(flag) = record.open_weights
        && source.creates_models()
        && (model.open_weights.is_none() || flag)
    {
        model.open_weights = Some(flag);
    }
    if let Some(date) = record.release_date
        && source != SourceId::ModelsDev
    {
        model.release_date = Some(model.release_date.map_or(date, |d| d.min(date)));
    }
}
