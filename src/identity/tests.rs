use chrono::Utc;

use super::keys::unsqueeze;
use super::naming::slug;
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
fn a_listing_that_drops_a_word_of_the_name_does_not_name_the_model() {
    // OpenRouter lists GLM 4.6V under `z-ai/glm-4.6-20251208`: read as an
    // id, it would put the vision model in GLM 4.6's line.
    let resolution = resolve(&[batch(
        SourceId::OpenRouter,
        vec![
            record("z-ai/glm-4.6v", Some("z-ai/glm-4.6-20251208"), None),
            record("z-ai/glm-4.6", Some("z-ai/glm-4.6"), None),
        ],
    )]);
    let mut ids: Vec<(&str, Option<&str>)> = resolution
        .models
        .iter()
        .map(|m| (m.id.as_str(), m.line_id.as_deref()))
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        vec![
            ("z-ai/glm-4.6", Some("z-ai/glm-4.6")),
            ("z-ai/glm-4.6v", Some("z-ai/glm-4.6v")),
        ]
    );
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
fn a_setting_is_named_by_its_base_and_released_with_it() {
    let mut plain = record(
        "deepseek/deepseek-v3.2",
        Some("deepseek/deepseek-v3.2-20251201"),
        None,
    );
    plain.display_name = Some("DeepSeek V3.2".into());
    plain.release_date = "2025-12-01".parse().ok();
    let mut exp = record(
        "deepseek/deepseek-v3.2-exp",
        Some("deepseek/deepseek-v3.2-exp"),
        None,
    );
    exp.display_name = Some("DeepSeek V3.2 Exp".into());
    exp.release_date = "2025-09-29".parse().ok();
    let mut haiku = record(
        "anthropic/claude-haiku-4.5",
        Some("anthropic/claude-4.5-haiku-20251001"),
        None,
    );
    haiku.display_name = Some("Claude Haiku 4.5".into());
    let resolution = resolve(&[
        batch(SourceId::OpenRouter, vec![plain, exp, haiku]),
        batch(
            SourceId::ArtificialAnalysis,
            vec![
                dated(
                    "DeepSeek V3.2 Exp (Non-reasoning)",
                    &["deepseek-v3-2-0925"],
                    "2025-09-29",
                    None,
                ),
                dated(
                    "DeepSeek V3.2 (Non-reasoning)",
                    &["deepseek-v3-2"],
                    "2025-12-01",
                    None,
                ),
                dated(
                    "DeepSeek V3.2 (Reasoning)",
                    &["deepseek-v3-2-reasoning"],
                    "2025-12-01",
                    None,
                ),
                dated("Claude 4.5 Haiku (Reasoning)", &[], "2025-10-15", None),
            ],
        ),
    ]);
    let model = |name: &str| {
        let id = resolution
            .model_of(SourceId::ArtificialAnalysis, name)
            .expect("a model");
        resolution
            .models
            .iter()
            .find(|m| m.id == id)
            .expect("listed")
    };
    // The December thinking row is a setting of December's V3.2, not of
    // September's V3.2 Exp, whose names fit as well.
    let thinking = model("DeepSeek V3.2 (Reasoning)");
    assert_eq!(
        thinking.base_model_id.as_deref(),
        Some("deepseek/deepseek-v3.2-20251201")
    );
    assert_eq!(thinking.name, "DeepSeek V3.2 · thinking");
    // A source's own spelling of a setting reads like its line's.
    assert_eq!(
        model("Claude 4.5 Haiku (Reasoning)").name,
        "Claude Haiku 4.5 · thinking"
    );
}

#[test]
fn price_lists_say_a_models_weights_only_by_majority() {
    let listing = |name: &str, open: bool| {
        let mut r = record(name, None, None);
        r.open_weights = Some(open);
        r
    };
    let resolution = resolve(&[
        batch(
            SourceId::OpenRouter,
            vec![
                record("google/gemini-3-flash-preview", None, None),
                record("qwen/qwen3-coder", None, None),
            ],
        ),
        batch(
            SourceId::ModelsDev,
            vec![
                listing("ollama-cloud/gemini-3-flash-preview", true),
                listing("google/gemini-3-flash-preview", false),
                listing("vertex/gemini-3-flash-preview", false),
                listing("chutes/qwen/qwen3-coder", true),
            ],
        ),
    ]);
    let open = |id: &str| {
        resolution
            .models
            .iter()
            .find(|m| m.id == id)
            .and_then(|m| m.open_weights)
    };
    assert_eq!(open("google/gemini-3-flash-preview"), Some(false));
    assert_eq!(open("qwen/qwen3-coder"), Some(true));
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
    // A moving API alias is none of the snapshots: unmatched, with both
    // listed as what it might be.
    assert_eq!(resolution.model_of(SourceId::Aider, "gpt-4o"), None);
    let unmatched = resolution
        .unmatched
        .iter()
        .find(|u| u.name == "gpt-4o")
        .expect("listed as unmatched");
    assert_eq!(
        unmatched.candidates,
        vec!["openai/gpt-4o-2024-05-13", "openai/gpt-4o-2024-08-06"]
    );
}

#[test]
fn an_alias_dated_a_season_after_its_model_is_left_with_it_as_a_candidate() {
    // Epoch and Vals date a row by the release of the version they ran: an
    // undated API alias dated a year after the model that first took it
    // names a later version (the alias moved), so it is not that model.
    let resolution = resolve(&[
        batch(
            SourceId::OpenRouter,
            vec![
                dated("acme/acme-chat", &[], "2024-12-26", Some(true)),
                dated("acme/acme-coder", &[], "2025-11-20", Some(true)),
            ],
        ),
        batch(
            SourceId::Epoch,
            vec![
                dated("acme-chat", &[], "2025-12-01", None),
                dated("acme-coder", &[], "2025-12-01", None),
            ],
        ),
    ]);
    assert_eq!(resolution.model_of(SourceId::Epoch, "acme-chat"), None);
    let unmatched = resolution
        .unmatched
        .iter()
        .find(|u| u.name == "acme-chat")
        .expect("listed as unmatched");
    assert_eq!(unmatched.candidates, vec!["acme/acme-chat"]);
    assert_eq!(
        resolution.model_of(SourceId::Epoch, "acme-coder"),
        Some("acme/acme-coder"),
        "a release within the season settles"
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
        Index::relax(&name::parse("groq/llama-3.1-8b-instant").core),
        Index::relax(&name::parse("Llama-3.1-8B-Instruct").core)
    );
    assert_ne!(
        Index::relax(&name::parse("claude-instant").core),
        Index::relax(&name::parse("claude").core)
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
