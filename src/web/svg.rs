//! Small server-rendered SVG charts. Every text that reaches the markup
//! (model names in labels and hover titles) goes through [`escape`].

use std::fmt::Write;

/// Escapes text for SVG/HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One point of a scatter chart.
#[derive(Debug, Clone)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub href: String,
}

const W: f64 = 760.0;
const H: f64 = 440.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

fn scale(value: f64, low: f64, high: f64, log: bool) -> f64 {
    let (v, lo, hi) = if log {
        (
            value.max(1e-9).ln(),
            low.max(1e-9).ln(),
            high.max(1e-9).ln(),
        )
    } else {
        (value, low, high)
    };
    if (hi - lo).abs() < 1e-12 {
        0.5
    } else {
        (v - lo) / (hi - lo)
    }
}

/// A scatter chart of `points` (x on a log scale when `log_x`), with the
/// points of `frontier` (indices, in x order) joined and labelled.
pub fn scatter(
    points: &[Point],
    x_title: &str,
    y_title: &str,
    log_x: bool,
    frontier: &[usize],
) -> String {
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" class="chart"><title>{}</title>"#,
        escape(&format!("{y_title} against {x_title}"))
    );
    if points.is_empty() {
        svg.push_str(r#"<text x="20" y="40">No model has both figures yet.</text></svg>"#);
        return svg;
    }
    let (mut x_lo, mut x_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in points {
        x_lo = x_lo.min(p.x);
        x_hi = x_hi.max(p.x);
    }
    if log_x {
        x_lo = x_lo.max(0.01);
    }
    let px = |x: f64| LEFT + scale(x, x_lo, x_hi, log_x) * (W - LEFT - RIGHT);
    let py = |y: f64| TOP + (1.0 - y / 100.0) * (H - TOP - BOTTOM);
    // Axes and grid.
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = py(tick);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e3e6ec"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end">{tick}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
    let ticks: Vec<f64> = if log_x {
        let mut t = Vec::new();
        let mut v = 10f64.powf(x_lo.log10().floor());
        while v <= x_hi * 1.0001 {
            if v >= x_lo * 0.9999 {
                t.push(v);
            }
            v *= 10.0;
        }
        t
    } else {
        (0..=4)
            .map(|i| x_lo + (x_hi - x_lo) * f64::from(i) / 4.0)
            .collect()
    };
    for tick in ticks {
        let x = px(tick);
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{}" stroke="#eef0f3"/><text x="{x:.1}" y="{}" font-size="11" text-anchor="middle">{}</text>"##,
            H - BOTTOM,
            H - BOTTOM + 16.0,
            if tick >= 100.0 {
                format!("{tick:.0}")
            } else {
                format!("{tick}")
            }
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{}" font-size="12" text-anchor="middle">{}</text><text x="14" y="{:.1}" font-size="12" text-anchor="middle" transform="rotate(-90 14 {:.1})">{}</text>"#,
        LEFT + (W - LEFT - RIGHT) / 2.0,
        H - 6.0,
        escape(x_title),
        TOP + (H - TOP - BOTTOM) / 2.0,
        TOP + (H - TOP - BOTTOM) / 2.0,
        escape(y_title)
    );
    if frontier.len() > 1 {
        let path: Vec<String> = frontier
            .iter()
            .map(|i| format!("{:.1},{:.1}", px(points[*i].x), py(points[*i].y)))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#d9480f" stroke-width="2"><title>Pareto frontier: no model is both cheaper and better</title></polyline>"##,
            path.join(" ")
        );
    }
    for (i, p) in points.iter().enumerate() {
        let on_frontier = frontier.contains(&i);
        let _ = write!(
            svg,
            r##"<a href="{}"><circle cx="{:.1}" cy="{:.1}" r="{}" fill="{}" fill-opacity="0.75"><title>{}</title></circle></a>"##,
            escape(&p.href),
            px(p.x),
            py(p.y),
            if on_frontier { 5 } else { 3 },
            if on_frontier { "#d9480f" } else { "#2453d6" },
            escape(&format!("{} ({:.2}, {:.1})", p.label, p.x, p.y))
        );
        if on_frontier {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" font-size="10">{}</text>"#,
                px(p.x) + 7.0,
                py(p.y) - 6.0,
                escape(&p.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The cost–quality Pareto frontier of `points` (x = cost, lower is better;
/// y = quality, higher is better): indices in increasing x.
pub fn pareto_frontier(points: &[Point]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|a, b| {
        points[*a]
            .x
            .total_cmp(&points[*b].x)
            .then(points[*b].y.total_cmp(&points[*a].y))
    });
    let mut best = f64::NEG_INFINITY;
    let mut frontier = Vec::new();
    for i in order {
        if points[i].y > best {
            best = points[i].y;
            frontier.push(i);
        }
    }
    frontier
}

/// A small line chart of one or more series over time (x = index).
pub fn lines(series: &[(&str, &str, Vec<Option<f64>>)], labels: &[String]) -> String {
    let (w, h) = (560.0, 180.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" class="chart"><title>History over refreshes</title>"#
    );
    let n = labels.len().max(1);
    let px = |i: usize| {
        30.0 + (w - 40.0)
            * if n > 1 {
                i as f64 / (n - 1) as f64
            } else {
                0.5
            }
    };
    let py = |v: f64| 10.0 + (1.0 - v / 100.0) * (h - 30.0);
    for tick in [0.0, 50.0, 100.0] {
        let _ = write!(
            svg,
            r##"<line x1="30" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#e3e6ec"/><text x="26" y="{:.1}" font-size="10" text-anchor="end">{tick}</text>"##,
            w - 10.0,
            py(tick),
            py(tick),
            py(tick) + 3.0
        );
    }
    for (name, color, values) in series {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", px(i), py(v))))
            .collect();
        if points.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"><title>{}</title></polyline>"#,
            points.join(" "),
            escape(name)
        );
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}"><title>{}</title></circle>"#,
                    px(i),
                    py(*v),
                    escape(&format!(
                        "{name} {v:.1} at {}",
                        labels.get(i).map_or("", String::as_str)
                    ))
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point {
            x,
            y,
            label: format!("{x}"),
            href: "/".into(),
        }
    }

    #[test]
    fn the_frontier_keeps_only_models_no_cheaper_model_beats() {
        let points = vec![
            p(1.0, 50.0),
            p(2.0, 40.0),
            p(3.0, 70.0),
            p(0.5, 30.0),
            p(4.0, 65.0),
        ];
        assert_eq!(pareto_frontier(&points), vec![3, 0, 2]);
    }

    #[test]
    fn labels_are_escaped() {
        let mut evil = p(1.0, 50.0);
        evil.label = "<script>alert(1)</script>".into();
        let svg = scatter(&[evil.clone(), p(2.0, 60.0)], "x", "y", true, &[0, 1]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }
}
