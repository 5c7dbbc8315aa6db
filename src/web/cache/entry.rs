//! One cached response in each of its encodings, and how a request picks
//! one: `Accept-Encoding`, `If-None-Match`, `If-Modified-Since`.

use std::convert::Infallible;
use std::io::Write;

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::Rendered;
use crate::web::WebError;

/// A content coding a cached response is kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity = 0,
    Gzip = 1,
    Brotli = 2,
}

impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Encoding::Identity => "identity",
            Encoding::Gzip => "gzip",
            Encoding::Brotli => "br",
        }
    }
}

impl Encoding {
    pub(super) const COMPRESSED: [Encoding; 2] = [Encoding::Gzip, Encoding::Brotli];
}

/// Bodies shorter than this are sent as they are.
const MIN_COMPRESS: usize = 256;
/// A kept response this small holds no identity body beside its gzip: the
/// few clients that take no encoding get it unzipped (tens of microseconds).
const UNZIPPED_BELOW: usize = 32 * 1024;
/// Bodies this large are kept in memory pages of their own.
const OWN_PAGES_FROM: usize = 128 * 1024;
/// What an entry costs beside its bodies (headers, key, bookkeeping).
pub(super) const ENTRY_OVERHEAD: usize = 512;

/// A body in one coding: made, not worth keeping (no smaller than the
/// identity), to be made when first asked for, or (the identity only) kept
/// as its gzip and unzipped for each client that takes no encoding.
#[derive(Debug, Clone)]
enum Coded {
    Ready(Bytes),
    Useless,
    Later,
    Unzipped,
}

/// One response, ready to send in any of its encodings.
#[derive(Debug, Clone)]
pub struct Entry {
    content_type: HeaderValue,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Identity (always ready), gzip, brotli.
    bodies: [Coded; 3],
    /// A strong ETag per encoding: one digest of the identity body, suffixed.
    etags: [HeaderValue; 3],
    last_modified: DateTime<Utc>,
    last_modified_header: HeaderValue,
    valid_until: Option<DateTime<Utc>>,
}

impl Entry {
    /// `rendered` with the codings in `make` made now, the others when first
    /// asked for; its content last changed at `last_modified`.
    pub fn encode(
        rendered: Rendered,
        last_modified: DateTime<Utc>,
        make: &[Encoding],
    ) -> Result<Self, WebError> {
        let Rendered {
            content_type,
            body,
            headers,
            valid_until,
        } = rendered;
        let digest = Sha256::digest(&body);
        let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{tag}{suffix}\""))
                .map_err(|e| WebError::Internal(format!("bad ETag: {e}")))
        };
        let later = if body.len() >= MIN_COMPRESS {
            Coded::Later
        } else {
            Coded::Useless
        };
        let headers = headers
            .into_iter()
            .map(|(name, value)| (name, HeaderValue::from_static(value)))
            .collect();
        let mut entry = Entry {
            content_type: HeaderValue::from_static(content_type),
            headers,
            bodies: [Coded::Ready(hold(body)), later.clone(), later],
            etags: [etag("")?, etag("-gz")?, etag("-br")?],
            last_modified,
            last_modified_header: HeaderValue::from_static(""),
            valid_until,
        };
        entry.set_last_modified(last_modified);
        for coding in make {
            entry.make(*coding)?;
        }
        Ok(entry)
    }

    /// Makes `coding` if it is still to be made.
    fn make(&mut self, coding: Encoding) -> Result<(), WebError> {
        let slot = coding as usize;
        if coding == Encoding::Identity {
            if matches!(self.bodies[slot], Coded::Unzipped) {
                self.bodies[slot] = Coded::Ready(self.identity()?);
            }
            return Ok(());
        }
        if !matches!(self.bodies[slot], Coded::Later) {
            return Ok(());
        }
        let identity = self.identity()?;
        let encoded = match coding {
            Encoding::Gzip => gzip(&identity)?,
            _ => brotli(&identity)?,
        };
        self.bodies[slot] = if encoded.len() < identity.len() {
            Coded::Ready(hold(encoded))
        } else {
            Coded::Useless
        };
        Ok(())
    }

    /// Keeps a small body only as its gzip (made first); another coding
    /// is made from it when asked for.
    pub(super) fn compact(&mut self) -> Result<(), WebError> {
        self.make(Encoding::Gzip)?;
        let small = matches!(&self.bodies[0], Coded::Ready(b) if b.len() < UNZIPPED_BELOW);
        if small && matches!(self.bodies[Encoding::Gzip as usize], Coded::Ready(_)) {
            self.bodies[0] = Coded::Unzipped;
        }
        Ok(())
    }

    /// The identity body, unzipped if it is kept as gzip only.
    fn identity(&self) -> Result<Bytes, WebError> {
        match (&self.bodies[0], &self.bodies[Encoding::Gzip as usize]) {
            (Coded::Ready(body), _) => Ok(body.clone()),
            (Coded::Unzipped, Coded::Ready(gz)) => {
                let mut body = Vec::with_capacity(gz.len() * 4);
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut body)
                    .map_err(|e| WebError::Internal(format!("cannot unzip a kept body: {e}")))?;
                Ok(Bytes::from(body))
            }
            _ => Err(WebError::Internal("a kept response lost its body".into())),
        }
    }

    /// Whether a compressed coding is still to be made.
    pub(super) fn incomplete(&self) -> bool {
        Encoding::COMPRESSED
            .iter()
            .any(|c| matches!(self.bodies[*c as usize], Coded::Later))
    }

    /// This entry with every compressed coding made, if one was still to
    /// be made.
    pub(super) fn completed(&self) -> Option<Result<Self, WebError>> {
        self.incomplete().then(|| {
            let mut entry = self.clone();
            for coding in Encoding::COMPRESSED {
                entry.make(coding)?;
            }
            Ok(entry)
        })
    }

    /// This entry with `coding` made too.
    pub fn with(&self, coding: Encoding) -> Result<Self, WebError> {
        let mut entry = self.clone();
        entry.make(coding)?;
        Ok(entry)
    }

    /// Takes `old`'s `Last-Modified` (the same bytes, served since then).
    pub(super) fn keep_last_modified_of(&mut self, old: &Entry) {
        self.last_modified = old.last_modified;
        self.last_modified_header = old.last_modified_header.clone();
    }

    pub(super) fn set_last_modified(&mut self, at: DateTime<Utc>) {
        let at = DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
        if let Ok(value) = HeaderValue::from_str(&http_date(at)) {
            self.last_modified = at;
            self.last_modified_header = value;
        }
    }

    /// Bytes held: every body made plus bookkeeping.
    pub fn size(&self) -> usize {
        let bodies: usize = self
            .bodies
            .iter()
            .map(|b| match b {
                // A body in pages of its own takes whole pages.
                Coded::Ready(body) if body.len() >= OWN_PAGES_FROM => {
                    body.len().next_multiple_of(4096)
                }
                Coded::Ready(body) => body.len(),
                _ => 0,
            })
            .sum();
        ENTRY_OVERHEAD + bodies
    }

    /// The ETag of the identity body (the same bytes give the same tag).
    pub fn etag(&self) -> &HeaderValue {
        &self.etags[Encoding::Identity as usize]
    }

    /// The body in `encoding`, if made.
    #[cfg(test)]
    fn body(&self, encoding: Encoding) -> Option<&Bytes> {
        match &self.bodies[encoding as usize] {
            Coded::Ready(body) => Some(body),
            _ => None,
        }
    }

    pub(super) fn fresh_at(&self, now: DateTime<Utc>) -> bool {
        self.valid_until.is_none_or(|until| now < until)
    }

    /// The answer to `ask`: the best encoding it accepts, or a 304 when it
    /// already holds that representation; or, when that encoding is still to
    /// be made, which one to make first (see [`Entry::with`]).
    pub fn answer(&self, ask: &Ask, cache_control: &HeaderValue) -> Result<Response, Encoding> {
        let encoding = ask.choose(|e| !matches!(self.bodies[e as usize], Coded::Useless));
        let etag = &self.etags[encoding as usize];
        let not_modified = match &ask.if_none_match {
            Some(tags) => none_match_hits(tags, etag),
            None => ask
                .if_modified_since
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .and_then(parse_http_date)
                .is_some_and(|since| self.last_modified <= since),
        };
        let mut response = if not_modified {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            let body = match &self.bodies[encoding as usize] {
                Coded::Ready(body) => body.clone(),
                Coded::Unzipped => self.identity().map_err(|_| encoding)?,
                _ => return Err(encoding),
            };
            let mut r = Response::new(Body::from(body));
            let headers = r.headers_mut();
            headers.insert(header::CONTENT_TYPE, self.content_type.clone());
            if encoding != Encoding::Identity {
                headers.insert(
                    header::CONTENT_ENCODING,
                    HeaderValue::from_static(encoding.token()),
                );
            }
            for (name, value) in &self.headers {
                headers.insert(name.clone(), value.clone());
            }
            r
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, etag.clone());
        headers.insert(header::LAST_MODIFIED, self.last_modified_header.clone());
        headers.insert(header::CACHE_CONTROL, cache_control.clone());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        response.extensions_mut().insert(PreEncoded);
        Ok(response)
    }
}

/// `body` as shared bytes. A large one is copied into memory pages of its
/// own, so that dropping it (its entry evicted or replaced) hands them back
/// to the system at once; in the allocator's heap, large bodies freed among
/// long-lived ones leave holes that keep the process large (measured: a
/// full cache under distinct queries peaked at 150 MB that way, under 100 MB
/// this way).
fn hold(mut body: Vec<u8>) -> Bytes {
    if body.len() < OWN_PAGES_FROM {
        body.shrink_to_fit();
        return Bytes::from(body);
    }
    let Ok(mut pages) = memmap2::MmapMut::map_anon(body.len()) else {
        return Bytes::from(body);
    };
    pages.copy_from_slice(&body);
    match pages.make_read_only() {
        Ok(pages) => Bytes::from_owner(pages),
        Err(_) => Bytes::from(body),
    }
}

/// Marks a response encoded by the cache, so no layer encodes it again.
#[derive(Debug, Clone, Copy)]
pub struct PreEncoded;

fn gzip(body: &[u8]) -> Result<Vec<u8>, WebError> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::new(6),
    );
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .map(|mut v| {
            v.shrink_to_fit();
            v
        })
        .map_err(|e| WebError::Internal(format!("gzip failed: {e}")))
}

/// A large body goes into the brotli encoder in pieces of this size, each
/// flushed: the encoder then holds the commands of one piece, not of its
/// whole window. Measured on the 1.6 MB page of every model: 6.1 MB held
/// while encoding instead of 9.2 MB, output 0.6% larger (references still
/// reach back a whole window across flushes).
const BROTLI_PIECE: usize = 256 * 1024;

fn brotli(body: &[u8]) -> Result<Vec<u8>, WebError> {
    let mut out = Vec::with_capacity(body.len() / 5);
    // The window covers the body, up to 1 MiB. Measured: quality 5 encodes
    // a 170 KB page in about 3 ms; windows under 2^18 make it many times
    // slower in this encoder (and take 33 MB), so none is smaller. A larger
    // window costs twice its size while encoding, and gains nothing on
    // these pages: rows repeat within far less.
    let bits = usize::BITS - body.len().saturating_sub(1).leading_zeros();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 5,
        lgwin: bits.clamp(18, 20) as i32,
        size_hint: body.len(),
        ..Default::default()
    };
    let mut encoder = brotli::CompressorWriter::with_params(&mut out, 4096, &params);
    for piece in body.chunks(BROTLI_PIECE) {
        encoder
            .write_all(piece)
            .and_then(|()| encoder.flush())
            .map_err(|e| WebError::Internal(format!("brotli failed: {e}")))?;
    }
    // Ends the stream (writing into memory cannot fail).
    encoder.into_inner();
    out.shrink_to_fit();
    Ok(out)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(text.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Whether an `If-None-Match` list names `etag` (weak comparison, `*` too).
fn none_match_hits(list: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = list.to_str() else {
        return false;
    };
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    list.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// What a request says about the representation it wants: the codings it
/// accepts and the validators of the copy it holds.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    accept_encoding: Option<HeaderValue>,
    if_none_match: Option<HeaderValue>,
    if_modified_since: Option<HeaderValue>,
}

impl Ask {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Ask {
            accept_encoding: joined(headers, &header::ACCEPT_ENCODING),
            if_none_match: joined(headers, &header::IF_NONE_MATCH),
            if_modified_since: headers.get(header::IF_MODIFIED_SINCE).cloned(),
        }
    }

    /// The accepted coding of highest weight among those `available`
    /// (brotli before gzip on a tie); identity when none is.
    pub fn choose(&self, available: impl Fn(Encoding) -> bool) -> Encoding {
        let Some(accept) = self.accept_encoding.as_ref().and_then(|v| v.to_str().ok()) else {
            return Encoding::Identity;
        };
        let mut weights = [None::<f32>; 3];
        let mut star = None::<f32>;
        for part in accept.split(',') {
            let mut pieces = part.split(';');
            let token = pieces.next().unwrap_or_default().trim();
            let q = pieces
                .find_map(|p| {
                    let (name, value) = p.split_once('=')?;
                    (name.trim().eq_ignore_ascii_case("q")).then(|| value.trim().parse::<f32>())
                })
                .map_or(Some(1.0), Result::ok);
            let Some(q) = q else { continue };
            let slot = match token.to_ascii_lowercase().as_str() {
                "br" => &mut weights[Encoding::Brotli as usize],
                "gzip" | "x-gzip" => &mut weights[Encoding::Gzip as usize],
                "*" => &mut star,
                _ => continue,
            };
            *slot = Some(q);
        }
        [Encoding::Brotli, Encoding::Gzip]
            .into_iter()
            .filter(|e| available(*e))
            .map(|e| (e, weights[e as usize].or(star).unwrap_or(0.0)))
            .filter(|(_, q)| *q > 0.0)
            .fold(None::<(Encoding, f32)>, |best, (e, q)| match best {
                Some((_, bq)) if bq >= q => best,
                _ => Some((e, q)),
            })
            .map_or(Encoding::Identity, |(e, _)| e)
    }
}

/// Every value of a header, joined as one list.
fn joined(headers: &HeaderMap, name: &HeaderName) -> Option<HeaderValue> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    let rest: Vec<&HeaderValue> = values.collect();
    if rest.is_empty() {
        return Some(first.clone());
    }
    let mut text = first.as_bytes().to_vec();
    for value in rest {
        text.extend_from_slice(b", ");
        text.extend_from_slice(value.as_bytes());
    }
    HeaderValue::from_bytes(&text).ok()
}

impl<S: Send + Sync> FromRequestParts<S> for Ask {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ask::from_headers(&parts.headers))
    }
}

/// An entry of `body` in every encoding, for tests.
#[cfg(test)]
pub(super) fn entry(body: &str) -> Entry {
    Entry::encode(
        Rendered::new("text/plain", body.to_string()),
        DateTime::from_timestamp(1_700_000_000, 0).expect("time"),
        &Encoding::COMPRESSED,
    )
    .expect("encodes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(pairs: &[(&'static str, &str)]) -> Ask {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).expect("value"));
        }
        Ask::from_headers(&headers)
    }

    #[test]
    fn the_best_accepted_encoding_is_chosen() {
        let all = |_| true;
        assert_eq!(ask(&[]).choose(all), Encoding::Identity);
        assert_eq!(
            ask(&[("accept-encoding", "gzip, br")]).choose(all),
            Encoding::Brotli
        );
        assert_eq!(
            ask(&[("accept-encoding", "gzip")]).choose(all),
            Encoding::Gzip
        );
        assert_eq!(
            ask(&[("accept-encoding", "br;q=0.5, gzip")]).choose(all),
            Encoding::Gzip
        );
        assert_eq!(
            ask(&[("accept-encoding", "br;q=0")]).choose(all),
            Encoding::Identity
        );
        assert_eq!(
            ask(&[("accept-encoding", "*")]).choose(all),
            Encoding::Brotli
        );
        assert_eq!(
            ask(&[("accept-encoding", "deflate"), ("accept-encoding", "gzip")]).choose(all),
            Encoding::Gzip
        );
        assert_eq!(
            ask(&[("accept-encoding", "gzip, br")]).choose(|e| e == Encoding::Gzip),
            Encoding::Gzip
        );
    }

    #[test]
    fn a_body_brotli_takes_in_pieces_decodes_whole() {
        let text: String = (0..20_000)
            .map(|i| format!("<tr><td>model-{i}</td><td>{}</td></tr>\n", i % 97))
            .collect();
        assert!(text.len() > 2 * BROTLI_PIECE);
        let br = brotli(text.as_bytes()).expect("brotli");
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut plain).expect("unbrotli");
        assert_eq!(plain, text.as_bytes());
        assert!(br.len() < text.len() / 10, "{} bytes", br.len());
    }

    #[test]
    fn each_encoding_decodes_to_the_same_bytes_and_has_its_own_tag() {
        let text = "<tr><td>model</td><td>1.0</td></tr>\n".repeat(200);
        let e = entry(&text);
        let gz = e.body(Encoding::Gzip).expect("gzip kept");
        let mut plain = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain)
            .expect("gunzip");
        assert_eq!(plain, text);
        let br = e.body(Encoding::Brotli).expect("brotli kept");
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut plain).expect("unbrotli");
        assert_eq!(plain, text.as_bytes());
        assert_ne!(e.etags[0], e.etags[1]);
        assert_ne!(e.etags[1], e.etags[2]);
        assert_eq!(entry(&text).etag(), e.etag(), "same bytes, same tag");
        assert_ne!(entry("other").etag(), e.etag());
        assert!(
            entry("tiny").body(Encoding::Gzip).is_none(),
            "too short to compress"
        );
    }

    #[test]
    fn a_held_copy_gets_a_304() {
        let e = entry(&"x".repeat(1000));
        let tag = e.etag().to_str().expect("ascii").to_string();
        let control = HeaderValue::from_static("public");
        let fresh = e
            .answer(&ask(&[("if-none-match", &tag)]), &control)
            .expect("made");
        assert_eq!(fresh.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(fresh.headers()[header::ETAG], tag.as_str());
        let listed = e
            .answer(
                &ask(&[("if-none-match", &format!("\"a\", W/{tag}"))]),
                &control,
            )
            .expect("made");
        assert_eq!(listed.status(), StatusCode::NOT_MODIFIED);
        let other = e
            .answer(&ask(&[("if-none-match", "\"nope\"")]), &control)
            .expect("made");
        assert_eq!(other.status(), StatusCode::OK);
        // The gzip copy has its own tag; a client holding identity gets gzip anew.
        let gz = e
            .answer(
                &ask(&[("if-none-match", &tag), ("accept-encoding", "gzip")]),
                &control,
            )
            .expect("made");
        assert_eq!(gz.status(), StatusCode::OK);
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        let since = e
            .answer(
                &ask(&[("if-modified-since", "Tue, 14 Nov 2023 22:13:20 GMT")]),
                &control,
            )
            .expect("made");
        assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
        let before = e
            .answer(
                &ask(&[("if-modified-since", "Tue, 14 Nov 2023 22:13:19 GMT")]),
                &control,
            )
            .expect("made");
        assert_eq!(before.status(), StatusCode::OK);
        assert_eq!(
            before.headers()[header::LAST_MODIFIED],
            "Tue, 14 Nov 2023 22:13:20 GMT"
        );
    }

    #[test]
    fn an_encoding_is_made_when_first_asked_for() {
        let text = "<td>lazy</td>".repeat(100);
        let e = Entry::encode(Rendered::new("text/html", text.clone()), Utc::now(), &[])
            .expect("encodes");
        let control = HeaderValue::from_static("public");
        assert!(e.answer(&ask(&[]), &control).is_ok(), "identity is ready");
        let gz = ask(&[("accept-encoding", "gzip")]);
        assert_eq!(e.answer(&gz, &control).err(), Some(Encoding::Gzip));
        // A client holding the gzip copy gets its 304 without it being made.
        let tag = e.etags[Encoding::Gzip as usize]
            .to_str()
            .expect("ascii")
            .to_string();
        let held = ask(&[("accept-encoding", "gzip"), ("if-none-match", &tag)]);
        let not_modified = e.answer(&held, &control).expect("no body needed");
        assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
        let made = e.with(Encoding::Gzip).expect("gzip");
        assert!(made.size() > e.size(), "the new body is counted");
        let response = made.answer(&gz, &control).expect("made");
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(made.etag(), e.etag());
        assert!(
            made.body(Encoding::Brotli).is_none(),
            "brotli still to make"
        );
    }

    #[tokio::test]
    async fn a_compacted_entry_answers_identity_unzipped() {
        let text = "<td>small page</td>\n".repeat(200);
        let mut e = entry(&text);
        let whole = e.size();
        e.compact().expect("compacts");
        assert!(e.size() < whole / 2, "{} of {whole}", e.size());
        let control = HeaderValue::from_static("public");
        let response = e.answer(&ask(&[]), &control).expect("answers");
        assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(response.headers()[header::ETAG], e.etag().clone());
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .expect("body")
            .to_bytes();
        assert_eq!(body, text.as_bytes());
        let big = entry(&"x".repeat(UNZIPPED_BELOW + 1));
        let mut kept = big.clone();
        kept.compact().expect("compacts");
        assert!(
            kept.body(Encoding::Identity).is_some(),
            "a large body stays whole"
        );
    }
}
