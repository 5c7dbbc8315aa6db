//! Small server-rendered SVG charts. Every text that reaches the markup
//! (model names in labels and hover titles) goes through [`escape`].
//!
//! A chart is drawn in its own units (`viewBox`) and scales to the width
//! it is given; [`Size`] picks the units for wide and narrow screens, so its
//! text stays readable. Labels are placed by [`layout`]: beside their point
//! where they overlap no other text, shortened or left out where they do not
//! fit, always with the full name in a tooltip.

mod layout;

use std::fmt::Write;

use layout::{BASELINE, LINE, Placer, Rect, around, shorten, text_box, text_width};

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

/// How a point is drawn (and named in the legend): by its weights, or on
/// the task-cost chart by what its cost rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Closed,
    Open,
    /// A cost measured on the reference harness.
    Measured,
    /// A cost measured on another harness, converted.
    Elsewhere,
    /// A cost estimated without a run of the model (drawn hollow).
    Estimated,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Closed,
        Kind::Open,
        Kind::Measured,
        Kind::Elsewhere,
        Kind::Estimated,
    ];

    /// The classes of the point's circle (the stylesheet colours them).
    fn class(self) -> &'static str {
        match self {
            Kind::Closed => "p",
            Kind::Open => "p open",
            Kind::Measured => "p measured",
            Kind::Elsewhere => "p elsewhere",
            Kind::Estimated => "p estimated",
        }
    }

    /// The legend's words for it.
    fn legend(self) -> &'static str {
        match self {
            Kind::Closed => "closed or unknown weights",
            Kind::Open => "open weights",
            Kind::Measured => "measured",
            Kind::Elsewhere => "measured elsewhere, converted",
            Kind::Estimated => "estimated",
        }
    }

    /// What a label adds to the name: the basis of a cost.
    fn tag(self) -> &'static str {
        match self {
            Kind::Closed | Kind::Open => "",
            Kind::Measured => " (meas.)",
            Kind::Elsewhere => " (conv.)",
            Kind::Estimated => " (est.)",
        }
    }
}

/// One point of a scatter chart.
#[derive(Debug, Clone)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub href: String,
    pub kind: Kind,
}

/// Which x is better, for the frontier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Cost: the frontier runs from cheap to dear.
    Lower,
    /// Speed: the frontier runs from slow to fast.
    Higher,
}

/// A chart's units: its width and height, and its text size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub w: f64,
    pub h: f64,
    pub font: f64,
    /// The class that shows it at its screen widths.
    pub class: &'static str,
    /// Every point links to its model and names it on hover; otherwise only
    /// the frontier's do (a phone has no hover, and its page lists them).
    pub every_point_linked: bool,
}

/// For screens wider than about 640 px.
pub const WIDE: Size = Size {
    w: 900.0,
    h: 500.0,
    font: 11.0,
    class: "wide",
    every_point_linked: true,
};

/// For phones.
pub const NARROW: Size = Size {
    w: 380.0,
    h: 440.0,
    font: 12.0,
    class: "narrow",
    every_point_linked: false,
};

/// What a scatter chart shows.
pub struct Scatter<'a> {
    pub points: &'a [Point],
    pub x_title: &'a str,
    pub y_title: &'a str,
    /// The frontier's points (indices), in increasing x; they are joined,
    /// highlighted and labelled.
    pub frontier: &'a [usize],
    /// How the x values are shown on the axis.
    pub x_tick: fn(f64) -> String,
    /// What being on the frontier means, for the legend of wide charts.
    pub frontier_means: &'a str,
}

const LEFT: f64 = 50.0;
const RIGHT: f64 = 14.0;
const BOTTOM: f64 = 42.0;

fn log_position(value: f64, low: f64, high: f64) -> f64 {
    let (v, lo, hi) = (
        value.max(1e-9).ln(),
        low.max(1e-9).ln(),
        high.max(1e-9).ln(),
    );
    if (hi - lo).abs() < 1e-12 {
        0.5
    } else {
        (v - lo) / (hi - lo)
    }
}

/// Tick values on a log axis from `low` to `high`: powers of ten, with 2
/// and 5 between them when the range is short.
fn log_ticks(low: f64, high: f64) -> Vec<f64> {
    let mut decade = 10f64.powf(low.log10().floor());
    let mut ones = Vec::new();
    let mut all = Vec::new();
    while decade <= high * 1.0001 {
        for (step, m) in [1.0, 2.0, 5.0].into_iter().enumerate() {
            let v = decade * m;
            if v >= low * 0.9999 && v <= high * 1.0001 {
                all.push(v);
                if step == 0 {
                    ones.push(v);
                }
            }
        }
        decade *= 10.0;
    }
    if ones.len() >= 3 { ones } else { all }
}

/// A scatter chart with x on a log scale and y from 0 to 100: the frontier
/// joined and labelled, points coloured by [`Kind`], a legend on top.
pub fn scatter(chart: &Scatter, size: Size) -> String {
    let Size {
        w,
        h,
        font,
        class,
        every_point_linked,
    } = size;
    let mut svg = String::with_capacity(chart.points.len() * 160 + 4096);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" class="chart scatter {class}" font-size="{font}"><title>{}</title>"#,
        escape(&format!("{} against {}", chart.y_title, chart.x_title))
    );
    if chart.points.is_empty() {
        svg.push_str(r#"<text x="20" y="40">No model has both figures yet.</text></svg>"#);
        return svg;
    }
    let mut placer = Placer::new(Rect::new(0.0, 0.0, w, h), 2.0);

    // The legend, on as many lines as it needs, sets the plot's top.
    let best = format!("on the frontier: {}", chart.frontier_means);
    // The legend names every kind of the chart's family: weights, or what
    // a cost rests on.
    let by_weights = chart
        .points
        .iter()
        .any(|p| matches!(p.kind, Kind::Closed | Kind::Open));
    let mut items: Vec<(&str, &str)> = Kind::ALL
        .iter()
        .filter(|k| matches!(k, Kind::Closed | Kind::Open) == by_weights)
        .map(|k| (k.class(), k.legend()))
        .collect();
    items.push(("p best", best.as_str()));
    let line_h = font * LINE;
    let (mut lx, mut ly) = (LEFT, 4.0);
    let mut legend = String::from(r#"<g class="legend">"#);
    for (dot, text) in items {
        let text = if chart.frontier.is_empty() && dot == "p best" {
            continue;
        } else if w < 600.0 && dot == "p best" {
            "on the frontier"
        } else {
            text
        };
        let width = 14.0 + text_width(text, font);
        if lx + width > w - RIGHT && lx > LEFT {
            lx = LEFT;
            ly += line_h + 2.0;
        }
        let label = text_box(text, font, lx + 12.0, ly);
        placer.reserve(label);
        let _ = write!(
            legend,
            r#"<circle class="{dot}" cx="{:.1}" cy="{:.1}" r="4"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            lx + 4.0,
            ly + line_h / 2.0,
            label.x,
            ly + font * BASELINE,
            escape(text)
        );
        lx += width + 12.0;
    }
    legend.push_str("</g>");
    let top = ly + line_h + 10.0;
    let (plot_w, plot_h) = (w - LEFT - RIGHT, h - top - BOTTOM);

    let (mut x_lo, mut x_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in chart.points {
        x_lo = x_lo.min(p.x.max(1e-6));
        x_hi = x_hi.max(p.x.max(1e-6));
    }
    // A little room on both sides, so no point sits on an edge.
    let pad = ((x_hi / x_lo).ln() * 0.03).exp();
    let (x_lo, x_hi) = (x_lo / pad, x_hi * pad);
    let px = |x: f64| LEFT + log_position(x, x_lo, x_hi) * plot_w;
    let py = |y: f64| top + (1.0 - y.clamp(0.0, 100.0) / 100.0) * plot_h;

    // Grid and axis text; the text is reserved so no label covers it.
    svg.push_str(r#"<g class="grid">"#);
    let mut axis_text = String::from(r#"<g class="axis">"#);
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = py(tick);
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}"/>"#,
            w - RIGHT
        );
        let text = format!("{tick}");
        let width = text_width(&text, font);
        let rect = Rect::new(LEFT - 6.0 - width, y - line_h / 2.0, width, line_h);
        placer.reserve(rect);
        let _ = write!(
            axis_text,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{text}</text>"#,
            LEFT - 6.0,
            rect.y + font * BASELINE
        );
    }
    let mut last_right = f64::NEG_INFINITY;
    for tick in log_ticks(x_lo, x_hi) {
        let x = px(tick);
        let text = (chart.x_tick)(tick);
        let width = text_width(&text, font);
        let rect = Rect::new(x - width / 2.0, top + plot_h + 4.0, width, line_h);
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{top:.1}" y2="{:.1}"/>"#,
            top + plot_h
        );
        // Tick labels that would touch the previous one are left out.
        if rect.x > last_right + 4.0 && rect.x >= 0.0 && rect.x + width <= w {
            last_right = rect.x + width;
            placer.reserve(rect);
            let _ = write!(
                axis_text,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                rect.y + font * BASELINE,
                escape(&text)
            );
        }
    }
    svg.push_str("</g>");
    let x_title = text_box(chart.x_title, font, 0.0, h - line_h - 2.0);
    let x_title = Rect::new(
        LEFT + (plot_w - x_title.w) / 2.0,
        x_title.y,
        x_title.w,
        x_title.h,
    );
    placer.reserve(x_title);
    let y_title_w = text_width(chart.y_title, font);
    let (yc, xc) = (top + plot_h / 2.0, 4.0 + line_h / 2.0);
    placer.reserve(Rect::new(
        xc - line_h / 2.0,
        yc - y_title_w / 2.0,
        line_h,
        y_title_w,
    ));
    let _ = write!(
        axis_text,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text x="{xc:.1}" y="{:.1}" text-anchor="middle" transform="rotate(-90 {xc:.1} {yc:.1})">{}</text></g>"#,
        LEFT + plot_w / 2.0,
        x_title.y + font * BASELINE,
        escape(chart.x_title),
        yc - line_h / 2.0 + font * BASELINE,
        escape(chart.y_title)
    );
    svg.push_str(&axis_text);
    svg.push_str(&legend);

    if chart.frontier.len() > 1 {
        let path: Vec<String> = chart
            .frontier
            .iter()
            .map(|i| {
                format!(
                    "{:.1},{:.1}",
                    px(chart.points[*i].x),
                    py(chart.points[*i].y)
                )
            })
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="frontier" points="{}"><title>The frontier</title></polyline>"#,
            path.join(" ")
        );
    }
    svg.push_str(r#"<g class="points">"#);
    for (i, p) in chart.points.iter().enumerate() {
        let best = chart.frontier.contains(&i);
        let class = match (best, p.kind) {
            (true, Kind::Closed | Kind::Open) => "p best".to_string(),
            // A frontier point keeps its basis (an estimate stays hollow).
            (true, kind) => format!("{} best", kind.class()),
            (false, kind) => kind.class().to_string(),
        };
        let (cx, cy, r) = (px(p.x), py(p.y), if best { 5.0 } else { 3.0 });
        if best {
            placer.reserve(Rect::new(cx - r, cy - r, 2.0 * r, 2.0 * r));
        } else if !every_point_linked {
            let _ = write!(
                svg,
                r#"<circle class="{class}" cx="{cx:.1}" cy="{cy:.1}" r="{r}"/>"#
            );
            continue;
        }
        let _ = write!(
            svg,
            r#"<a href="{}"><circle class="{class}" cx="{cx:.1}" cy="{cy:.1}" r="{r}"><title>{}</title></circle></a>"#,
            escape(&p.href),
            escape(&format!(
                "{}{} ({}, {:.1})",
                p.label,
                p.kind.tag(),
                (chart.x_tick)(p.x),
                p.y
            ))
        );
    }
    svg.push_str("</g>");

    // Labels: inside the plot, the best models first, so they win the space.
    placer.confine(Rect::new(LEFT, top - 6.0, plot_w + RIGHT, plot_h + 6.0));
    let mut order: Vec<usize> = chart.frontier.to_vec();
    order.sort_by(|a, b| chart.points[*b].y.total_cmp(&chart.points[*a].y));
    svg.push_str(r#"<g class="labels">"#);
    let label_h = font * LINE;
    for i in order {
        let p = &chart.points[i];
        let (cx, cy) = (px(p.x), py(p.y));
        // The name (shortened if need be), then what a cost rests on.
        let tag = p.kind.tag();
        let texts = std::iter::once(p.label.clone())
            .chain(shorten(&p.label, 22))
            .chain(shorten(&p.label, 14));
        for text in texts {
            let width = text_width(&format!("{text}{tag}"), font);
            if let Some(rect) = placer.place(around(cx, cy, 5.0, width, label_h)) {
                let tag = if tag.is_empty() {
                    String::new()
                } else {
                    format!(r#"<tspan class="basis">{}</tspan>"#, escape(tag))
                };
                let _ = write!(
                    svg,
                    r#"<a href="{}"><text x="{:.1}" y="{:.1}">{}{tag}<title>{}</title></text></a>"#,
                    escape(&p.href),
                    rect.x,
                    rect.y + font * BASELINE,
                    escape(&text),
                    escape(&format!("{}{}", p.label, p.kind.tag()))
                );
                break;
            }
        }
    }
    svg.push_str("</g></svg>");
    svg
}

/// The Pareto frontier of `points` (y: higher is better; x as `better`
/// says): the points no other point beats on both, in increasing x.
pub fn pareto_frontier(points: &[Point], better: Better) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|a, b| {
        let (pa, pb) = (&points[*a], &points[*b]);
        let by_x = match better {
            Better::Lower => pa.x.total_cmp(&pb.x),
            Better::Higher => pb.x.total_cmp(&pa.x),
        };
        by_x.then(pb.y.total_cmp(&pa.y))
    });
    let mut best = f64::NEG_INFINITY;
    let mut frontier = Vec::new();
    for i in order {
        if points[i].y > best {
            best = points[i].y;
            frontier.push(i);
        }
    }
    if better == Better::Higher {
        frontier.reverse();
    }
    frontier
}

/// A small line chart of one or more series over time (x = index), with
/// a legend naming each series.
pub fn lines(series: &[(&str, &str, Vec<Option<f64>>)], labels: &[String]) -> String {
    let (w, h, font) = (560.0, 200.0, 10.0);
    let top = 24.0;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" class="chart history" font-size="{font}"><title>History over refreshes</title>"#
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
    let py = |v: f64| top + (1.0 - v / 100.0) * (h - top - 22.0);
    for tick in [0.0, 50.0, 100.0] {
        let _ = write!(
            svg,
            r##"<line x1="30" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#e3e6ec"/><text x="26" y="{:.1}" text-anchor="end">{tick}</text>"##,
            w - 10.0,
            py(tick),
            py(tick),
            py(tick) + 3.0
        );
    }
    if let (Some(first), Some(last)) = (labels.first(), labels.last()) {
        let _ = write!(
            svg,
            r#"<text x="30" y="{:.1}">{}</text>"#,
            h - 6.0,
            escape(first)
        );
        if n > 1 {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                w - 10.0,
                h - 6.0,
                escape(last)
            );
        }
    }
    let mut lx = 30.0;
    for (name, color, values) in series {
        let _ = write!(
            svg,
            r#"<line x1="{lx}" x2="{:.1}" y1="9" y2="9" stroke="{color}" stroke-width="2"/><text x="{:.1}" y="12">{}</text>"#,
            lx + 14.0,
            lx + 18.0,
            escape(name)
        );
        lx += 30.0 + text_width(name, font);
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
mod tests;
