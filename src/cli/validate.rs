//! `llmrank validate`: how well the coding composite predicts each benchmark
//! it was not given, beside a plain average (Kendall tau); `--fit` prints a
//! fresh calibration of the benchmarks to compare with the shipped one.

use std::process::ExitCode;

use anyhow::Context;

use super::{Format, emit, open_store};
use crate::config::Config;
use crate::scoring::composite::{BENCHMARKS, calibrate};
use crate::scoring::validate::validate;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// table or json.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Also fit the benchmark calibration afresh on the stored data and print it.
    #[arg(long)]
    fit: bool,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let rankings = store
        .latest_rankings()
        .await?
        .context("no ranking yet: run `llmrank refresh` first")?;
    let custom: Vec<_> = store
        .custom_benchmarks()
        .await?
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    let result = validate(&rankings.rows, &custom, &config.composite);
    let mut out = match args.format {
        Format::Json | Format::Csv => {
            let mut json = serde_json::to_vec_pretty(&result)?;
            json.push(b'\n');
            String::from_utf8_lossy(&json).into_owned()
        }
        Format::Table => {
            let mut text = format!(
                "{:<26} {:>7} {:>14} {:>18}\n",
                "benchmark", "models", "tau composite", "tau plain average"
            );
            for b in &result.benchmarks {
                text.push_str(&format!(
                    "{:<26} {:>7} {:>14.3} {:>18.3}\n",
                    b.benchmark, b.models, b.tau_composite, b.tau_plain_average
                ));
            }
            text.push_str(&format!(
                "{:<26} {:>7} {:>14.3} {:>18.3}\n",
                "mean", "", result.mean_tau_composite, result.mean_tau_plain_average
            ));
            text
        }
    };
    if args.fit {
        let models: Vec<Vec<(String, f64)>> = rankings
            .rows
            .iter()
            .map(|r| {
                r.benchmarks
                    .0
                    .iter()
                    .filter_map(|(k, v)| v.map(|v| (k.clone(), v)))
                    .collect()
            })
            .filter(|m: &Vec<(String, f64)>| !m.is_empty())
            .collect();
        let fit = calibrate(&models);
        out.push_str(&format!(
            "\nfresh calibration on {} models (shipped in brackets):\n",
            models.len()
        ));
        for (key, slope, offset, count) in fit.benchmarks {
            let shipped = BENCHMARKS.iter().find(|b| b.key == key);
            out.push_str(&format!(
                "  {key:<26} slope {slope:>6.3} [{:>6.3}]  offset {offset:>7.3} [{:>7.3}]  ({count} models)\n",
                shipped.map_or(f64::NAN, |b| b.slope),
                shipped.map_or(f64::NAN, |b| b.offset),
            ));
        }
    }
    emit(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
