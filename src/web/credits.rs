//! The credit line at the foot of every page: the sources whose terms ask
//! users of their data to credit them (Artificial Analysis, Epoch AI, Vals,
//! SWE-bench, …; see `domain::SourceTerms`), among those whose data the
//! ranking shows. A source switched off, or not read, is not credited: none
//! of its data is on the page.

use crate::domain::{Rankings, SourceId};

/// One credited source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// The credit line its terms ask for.
    pub attribution: String,
    /// Where its terms are.
    pub url: String,
}

/// The credits of the sources whose data `rankings` shows, in the order
/// sources are listed.
pub fn of(rankings: &Rankings) -> Vec<Credit> {
    SourceId::ALL
        .into_iter()
        .filter(|source| rankings.rows.iter().any(|r| r.sources.contains(source)))
        .map(SourceId::terms)
        .filter(|terms| terms.credit_required)
        .map(|terms| Credit {
            attribution: terms.attribution,
            url: terms.terms_url,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_the_ranking_shows_are_credited() {
        let mut row = crate::scoring::test_row("a/m", Some(50.0), None, None);
        row.sources = vec![SourceId::ArtificialAnalysis, SourceId::EvalPlus];
        let rankings = Rankings {
            generated_at: chrono::Utc::now(),
            methodology_version: String::new(),
            rows: vec![row],
        };
        let credits = of(&rankings);
        assert_eq!(credits.len(), 1, "EvalPlus asks for no credit: {credits:?}");
        assert!(credits[0].attribution.contains("Artificial Analysis"));
    }
}
