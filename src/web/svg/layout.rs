//! Where text goes on a chart: how wide a label will be, and a greedy
//! placer that puts each label beside its point where it overlaps nothing
//! placed before it and stays inside the chart.
//!
//! Widths are estimated from DejaVu Sans (the default sans-serif of most
//! Linux systems and one of the widest common ones), so a label measured in
//! a browser is no wider than estimated and placed labels do not overlap.

/// An axis-aligned box in chart units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        Rect { x, y, w, h }
    }

    fn right(&self) -> f64 {
        self.x + self.w
    }

    fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether the two boxes share any area, `gap` counted around each.
    pub fn overlaps(&self, other: &Rect, gap: f64) -> bool {
        self.x < other.right() + gap
            && other.x < self.right() + gap
            && self.y < other.bottom() + gap
            && other.y < self.bottom() + gap
    }

    fn inside(&self, outer: &Rect) -> bool {
        self.x >= outer.x
            && self.y >= outer.y
            && self.right() <= outer.right()
            && self.bottom() <= outer.bottom()
    }
}

/// Advance widths of DejaVu Sans for ASCII 32–126, in thousandths of an em
/// (measured in Chromium).
const WIDTHS: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 709, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 595, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 344, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 395, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];

/// Height of a line of text, in ems: DejaVu's box is 1.17 em (0.93 above
/// the baseline, 0.24 below), with a little room.
pub const LINE: f64 = 1.25;
/// Where the baseline sits below the top of a line's box, in ems.
pub const BASELINE: f64 = 0.97;

/// How wide `text` is at `size` units per em, a little generously.
pub fn text_width(text: &str, size: f64) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c as u32 {
            32..=126 => f64::from(WIDTHS[(c as u32 - 32) as usize]) / 1000.0,
            // Anything else as wide as the widest (CJK, `…`, `—`, `™`).
            _ => 1.0,
        })
        .sum();
    ems * size * 1.04 + 1.0
}

/// The box of a line of `text` whose left end is at `x` and whose box
/// starts at `top`.
pub fn text_box(text: &str, size: f64, x: f64, top: f64) -> Rect {
    Rect::new(x, top, text_width(text, size), size * LINE)
}

/// Places boxes greedily: each goes where it overlaps nothing placed
/// before it and stays inside the area.
#[derive(Debug)]
pub struct Placer {
    area: Rect,
    taken: Vec<Rect>,
    /// The space kept between boxes.
    gap: f64,
}

impl Placer {
    pub fn new(area: Rect, gap: f64) -> Self {
        Placer {
            area,
            taken: Vec::new(),
            gap,
        }
    }

    /// From now on, places boxes only inside `area` (what is taken stays).
    pub fn confine(&mut self, area: Rect) {
        self.area = area;
    }

    /// Marks `rect` as taken whatever it overlaps (axis text, markers).
    pub fn reserve(&mut self, rect: Rect) {
        self.taken.push(rect);
    }

    /// Whether `rect` fits: inside the area and clear of everything taken.
    pub fn fits(&self, rect: &Rect) -> bool {
        rect.inside(&self.area) && !self.taken.iter().any(|t| t.overlaps(rect, self.gap))
    }

    /// Takes the first of `candidates` that fits, and says which.
    pub fn place(&mut self, candidates: impl IntoIterator<Item = Rect>) -> Option<Rect> {
        let chosen = candidates.into_iter().find(|r| self.fits(r))?;
        self.taken.push(chosen);
        Some(chosen)
    }
}

/// Boxes for a label of width `w` and height `h` around a point at
/// (`px`, `py`) of radius `r`: right, left, above, below, then the corners.
pub fn around(px: f64, py: f64, r: f64, w: f64, h: f64) -> [Rect; 8] {
    // Clear of the point's own marker by more than the placer's gap.
    let d = r + 3.0;
    [
        Rect::new(px + d, py - h / 2.0, w, h),
        Rect::new(px - d - w, py - h / 2.0, w, h),
        Rect::new(px - w / 2.0, py - d - h, w, h),
        Rect::new(px - w / 2.0, py + d, w, h),
        Rect::new(px + d, py - d - h, w, h),
        Rect::new(px + d, py + d, w, h),
        Rect::new(px - d - w, py - d - h, w, h),
        Rect::new(px - d - w, py + d, w, h),
    ]
}

/// `name` cut to at most `chars` characters, at a word when one ends near
/// the cut, with "…".
pub fn shorten(name: &str, chars: usize) -> Option<String> {
    if name.chars().count() <= chars {
        return None;
    }
    let cut: String = name.chars().take(chars.saturating_sub(1)).collect();
    let at_word = match cut.rfind([' ', '-', '(']) {
        Some(i) if i * 3 >= cut.len() * 2 => cut[..i].trim_end().to_string(),
        _ => cut,
    };
    Some(format!("{at_word}…"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_placer_skips_what_overlaps_or_leaves_the_area() {
        let mut placer = Placer::new(Rect::new(0.0, 0.0, 100.0, 100.0), 1.0);
        assert!(placer.place([Rect::new(10.0, 10.0, 30.0, 10.0)]).is_some());
        let clash = Rect::new(20.0, 15.0, 30.0, 10.0);
        let outside = Rect::new(90.0, 50.0, 30.0, 10.0);
        let free = Rect::new(10.0, 40.0, 30.0, 10.0);
        assert_eq!(placer.place([clash, outside, free]), Some(free));
        assert_eq!(placer.place([clash, outside]), None);
    }

    #[test]
    fn widths_follow_the_letters() {
        assert!(text_width("WWW", 10.0) > text_width("iii", 10.0) * 2.0);
        assert!((text_width("Mistral Nemo", 11.0) - 76.0).abs() < 8.0);
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        assert_eq!(shorten("Mistral Nemo", 20), None);
        assert_eq!(
            shorten("NVIDIA Nemotron 3 Nano 30B A3B (Reasoning)", 20).as_deref(),
            Some("NVIDIA Nemotron 3…")
        );
        assert_eq!(shorten("Abcdefghijklmnop", 8).as_deref(), Some("Abcdefg…"));
    }
}
