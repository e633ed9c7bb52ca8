//! Test helper shared by the object tests: a text cut into pieces, as a stream delivers it.

/// `text` cut at byte `positions` (each clamped to the end and moved back to a char
/// boundary), in order; empty pieces are kept.
pub(crate) fn pieces_at(text: &str, positions: impl IntoIterator<Item = usize>) -> Vec<String> {
    let mut points: Vec<usize> = positions
        .into_iter()
        .map(|p| {
            let mut i = p.min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        })
        .collect();
    points.sort_unstable();
    let mut out = Vec::with_capacity(points.len() + 1);
    let mut last = 0;
    for p in points.into_iter().chain([text.len()]) {
        out.push(text[last..p].to_owned());
        last = p;
    }
    out
}
