//! The JSON result file: one per `run`/`compare` invocation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::limits::Limits;
use crate::stats::{median, Machine};
use crate::workload::{Metrics, Workload};

pub const SCHEMA: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResultFile {
    pub schema: u32,
    pub tool: String,
    /// A short name for the report (e.g. "produce-1k-acks-all").
    pub label: String,
    pub created_unix: u64,
    pub git: Option<String>,
    pub machine: Machine,
    /// The command line, for rerunning.
    pub command: Vec<String>,
    pub workload: Workload,
    pub targets: Vec<String>,
    pub rounds: usize,
    pub sweep: Option<Sweep>,
    /// Every run in the order it happened (interleaved: round 1 A B, round 2 A B, ...).
    pub runs: Vec<RunRecord>,
    /// Medians per target (and sweep value), ratios against the first target.
    pub summary: Vec<SummaryRow>,
    pub limits: Option<Limits>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sweep {
    pub key: String,
    pub values: Vec<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunRecord {
    pub target: String,
    pub round: usize,
    pub sweep_value: Option<f64>,
    pub metrics: Option<Metrics>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SummaryRow {
    pub target: String,
    pub sweep_value: Option<f64>,
    /// Runs that succeeded (medians are over these).
    pub ok_runs: usize,
    pub failed_runs: usize,
    pub median: BTreeMap<String, f64>,
    /// This target's median divided by the first target's, per figure.
    pub ratio_to_first: BTreeMap<String, f64>,
}

pub fn summarize(targets: &[String], sweep: Option<&Sweep>, runs: &[RunRecord]) -> Vec<SummaryRow> {
    let points: Vec<Option<f64>> = match sweep {
        Some(s) => s.values.iter().map(|v| Some(*v)).collect(),
        None => vec![None],
    };
    let mut rows = Vec::new();
    for point in points {
        let mut first: Option<BTreeMap<String, f64>> = None;
        for t in targets {
            let mine: Vec<&RunRecord> = runs
                .iter()
                .filter(|r| &r.target == t && r.sweep_value == point)
                .collect();
            let ok: Vec<&Metrics> = mine.iter().filter_map(|r| r.metrics.as_ref()).collect();
            let mut med = BTreeMap::new();
            if let Some(m0) = ok.first() {
                for (i, (name, _)) in m0.figures().iter().enumerate() {
                    let xs: Vec<f64> = ok.iter().filter_map(|m| m.figures()[i].1).collect();
                    if let Some(x) = median(xs) {
                        med.insert(name.to_string(), x);
                    }
                }
            }
            let mut ratio = BTreeMap::new();
            match &first {
                None => first = Some(med.clone()),
                Some(f) => {
                    for (k, v) in &med {
                        if let Some(b) = f.get(k) {
                            if *b != 0.0 {
                                ratio.insert(k.clone(), v / b);
                            }
                        }
                    }
                }
            }
            rows.push(SummaryRow {
                target: t.clone(),
                sweep_value: point,
                ok_runs: ok.len(),
                failed_runs: mine.len() - ok.len(),
                median: med,
                ratio_to_first: ratio,
            });
        }
    }
    rows
}

/// Write a result file's JSON to `out` (creating its directory) and say so on stderr.
pub fn write_json(out: &std::path::Path, json: &str) -> Result<(), String> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(out, format!("{json}\n"))
        .map_err(|e| format!("writing {}: {e}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(target: &str, round: usize, rps: f64) -> RunRecord {
        RunRecord {
            target: target.into(),
            round,
            sweep_value: None,
            metrics: Some(Metrics {
                records_per_s: rps,
                ..Default::default()
            }),
            error: None,
        }
    }

    #[test]
    fn medians_and_ratios_against_the_first_target() {
        let targets = vec!["a".to_string(), "b".to_string()];
        let mut runs = vec![
            run("a", 1, 100.0),
            run("b", 1, 300.0),
            run("a", 2, 120.0),
            run("b", 2, 330.0),
            run("a", 3, 90.0),
        ];
        runs.push(RunRecord {
            metrics: None,
            error: Some("boom".into()),
            ..run("b", 3, 0.0)
        });
        let rows = summarize(&targets, None, &runs);
        assert_eq!(rows[0].median["records_per_s"], 100.0);
        assert_eq!(rows[0].ok_runs, 3);
        assert_eq!(rows[1].median["records_per_s"], 315.0);
        assert_eq!((rows[1].ok_runs, rows[1].failed_runs), (2, 1));
        assert!((rows[1].ratio_to_first["records_per_s"] - 3.15).abs() < 1e-9);
        assert!(rows[0].ratio_to_first.is_empty());
    }
}
