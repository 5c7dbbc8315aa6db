//! The charts' markup: frontiers, escaping, and labels that never overlap.

use super::layout::{LINE, Rect, text_width};
use super::*;

fn p(x: f64, y: f64) -> Point {
    Point {
        x,
        y,
        label: format!("{x}"),
        href: "/".into(),
        kind: Kind::Closed,
    }
}

fn tick(v: f64) -> String {
    format!("{v}")
}

fn chart<'a>(points: &'a [Point], frontier: &'a [usize]) -> Scatter<'a> {
    Scatter {
        points,
        x_title: "price",
        y_title: "coding",
        frontier,
        x_tick: tick,
        frontier_means: "nothing is both cheaper and better",
    }
}

/// The box of every unrotated `<text x=… y=…>` of `svg`, estimated as the
/// chart estimated it, with its text.
fn text_boxes(svg: &str, font: f64) -> Vec<(Rect, String)> {
    let mut out = Vec::new();
    for part in svg.split("<text ").skip(1) {
        if part.contains("transform=") && part.find("transform=") < part.find('>') {
            continue;
        }
        let attr = |name: &str| -> f64 {
            let start = part.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            let end = start + part[start..].find('"').expect("closing quote");
            part[start..end].parse().expect("a number")
        };
        let content_start = part.find('>').expect("tag end") + 1;
        let content_end = content_start + part[content_start..].find('<').expect("next tag");
        let text = part[content_start..content_end]
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'");
        let (x, y) = (attr("x"), attr("y"));
        let tag = &part[..content_start];
        let w = text_width(&text, font);
        let x = if tag.contains("text-anchor=\"end\"") {
            x - w
        } else if tag.contains("text-anchor=\"middle\"") {
            x - w / 2.0
        } else {
            x
        };
        out.push((Rect::new(x, y - 0.93 * font, w, 1.17 * font), text));
    }
    out
}

#[test]
fn the_cost_frontier_keeps_only_models_no_cheaper_model_beats() {
    let points = vec![
        p(1.0, 50.0),
        p(2.0, 40.0),
        p(3.0, 70.0),
        p(0.5, 30.0),
        p(4.0, 65.0),
    ];
    assert_eq!(pareto_frontier(&points, Better::Lower), vec![3, 0, 2]);
}

#[test]
fn the_speed_frontier_keeps_only_models_no_faster_model_beats() {
    let points = vec![
        p(10.0, 80.0),
        p(50.0, 60.0),
        p(40.0, 70.0),
        p(100.0, 30.0),
        p(20.0, 50.0),
    ];
    assert_eq!(pareto_frontier(&points, Better::Higher), vec![0, 2, 1, 3]);
}

#[test]
fn labels_are_escaped() {
    let mut evil = p(1.0, 50.0);
    evil.label = "<script>alert(1)</script>".into();
    let points = [evil, p(2.0, 60.0)];
    let svg = scatter(&chart(&points, &[0, 1]), WIDE);
    assert!(!svg.contains("<script>"));
    assert!(svg.contains("&lt;script&gt;"));
}

#[test]
fn crowded_labels_are_left_out_or_shortened_rather_than_overlapped() {
    // Forty frontier points in a narrow band, with long names.
    let points: Vec<Point> = (0..40)
        .map(|i| {
            let mut point = p(0.1 * 1.1f64.powi(i), 40.0 + f64::from(i));
            point.label = format!("Model Number {i} With A Rather Long Name (Reasoning)");
            point
        })
        .collect();
    let frontier: Vec<usize> = (0..40).collect();
    for size in [WIDE, NARROW] {
        let svg = scatter(&chart(&points, &frontier), size);
        let boxes = text_boxes(&svg, size.font);
        let labels = boxes.iter().filter(|(_, t)| t.starts_with("Model")).count();
        assert!(labels >= 3, "{labels} labels at {}", size.w);
        assert!(labels < 40, "some labels are left out at {}", size.w);
        for (i, (a, ta)) in boxes.iter().enumerate() {
            assert!(a.x >= 0.0 && a.x + a.w <= size.w, "{ta} leaves the chart");
            for (b, tb) in &boxes[i + 1..] {
                assert!(!a.overlaps(b, 0.0), "{ta:?} overlaps {tb:?} at {}", size.w);
            }
        }
        // Every label keeps the full name in its tooltip.
        assert_eq!(
            svg.matches("With A Rather Long Name (Reasoning)</title></text>")
                .count(),
            labels
        );
        assert!(LINE * size.font < 20.0);
    }
}

#[test]
fn the_legend_names_the_point_kinds_and_the_frontier() {
    let points = [p(1.0, 50.0), p(2.0, 60.0)];
    let svg = scatter(&chart(&points, &[0, 1]), NARROW);
    for text in [
        "closed or unknown weights",
        "open weights",
        "on the frontier",
    ] {
        assert!(svg.contains(&format!(">{text}</text>")), "{text}");
    }
    assert!(svg.contains(r#"class="frontier""#));
}

#[test]
fn a_cost_chart_marks_each_point_by_what_its_cost_rests_on() {
    let mut points = [p(0.1, 50.0), p(0.2, 60.0), p(0.5, 70.0)];
    points[0].kind = Kind::Measured;
    points[1].kind = Kind::Elsewhere;
    points[2].kind = Kind::Estimated;
    let svg = scatter(&chart(&points, &[0, 1, 2]), WIDE);
    for text in ["measured", "measured elsewhere, converted", "estimated"] {
        assert!(svg.contains(&format!(">{text}</text>")), "{text}");
    }
    assert!(!svg.contains("open weights"));
    assert!(
        svg.contains(r#"class="p estimated best""#),
        "an estimate stays hollow"
    );
    // The frontier's labels say the basis, and keep the name in a tooltip.
    assert!(svg.contains(r#"<tspan class="basis"> (est.)</tspan><title>0.5 (est.)</title>"#));
    assert!(svg.contains(r#"<tspan class="basis"> (meas.)</tspan>"#));
}
