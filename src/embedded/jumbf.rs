//! A C2PA manifest store: a JUMBF superbox tree (ISO/IEC 19566-5). Each
//! superbox (`jumb`) opens with a description box (`jumd`: a type UUID and
//! a label); the store (`c2pa`) holds manifests (`c2ma`), each with an
//! assertion store (`c2pa.assertions`) and a claim (`c2pa.claim`). Only
//! the claim and the actions assertions are decoded.

use super::source::{be32, be64, size, thousands};
use super::{Manifest, Mark, Record, claim};

/// More boxes than this at one level is not a manifest store.
const MAX_BOXES: usize = 100_000;

/// A box: its type, its payload and where the payload starts in the store.
struct Jbox<'a> {
    kind: [u8; 4],
    body: &'a [u8],
    at: usize,
}

/// A superbox: its description's type (the UUID's first four bytes, such
/// as `c2ma`), label, and the boxes after the description.
struct Super<'a> {
    kind: [u8; 4],
    label: Option<&'a str>,
    content: Vec<Jbox<'a>>,
}

/// One manifest as read.
struct Parsed {
    label: Option<String>,
    generator: Option<String>,
    actions: Vec<claim::Action>,
}

/// Adds the manifests of `store`, found at `carrier`, and their actions'
/// digital source types to `record`; a store that does not parse is an
/// [`super::Unreadable`].
pub fn read_store(store: &[u8], carrier: &str, record: &mut Record) {
    let (parsed, problem) = parse(store);
    let last = parsed.len().saturating_sub(1);
    for (i, m) in parsed.into_iter().enumerate() {
        let active = i == last && problem.is_none();
        for action in m.actions {
            let Some(value) = action.source_type else {
                continue;
            };
            let name = action.action.as_deref().unwrap_or("unnamed");
            let place = format!("C2PA `{name}` action in {carrier}");
            record.marks.push(Mark::new(&value, place, !active));
        }
        record.manifests.push(Manifest {
            label: m.label,
            claim_generator: m.generator,
            place: carrier.to_owned(),
            active,
        });
    }
    if let Some(reason) = problem {
        record.unreadable_store(carrier, reason);
    }
}

/// The manifests read, and why the store stopped parsing if it did.
fn parse(store: &[u8]) -> (Vec<Parsed>, Option<String>) {
    let mut out = Vec::new();
    let problem = (|| {
        let top = boxes(store, 0)?;
        let first = top.first().ok_or("the store is empty")?;
        let root = superbox(first)?;
        if &root.kind != b"c2pa" {
            return Err(format!(
                "the first JUMBF box is `{}`, not a C2PA manifest store",
                root.label.unwrap_or("unlabelled")
            ));
        }
        for b in root.content.iter().filter(|b| &b.kind == b"jumb") {
            let s = superbox(b)?;
            if matches!(&s.kind, b"c2ma" | b"c2um") {
                out.push(manifest(&s)?);
            }
        }
        if out.is_empty() {
            return Err("the store holds no manifest".to_owned());
        }
        Ok(())
    })()
    .err();
    (out, problem)
}

fn manifest(m: &Super) -> Result<Parsed, String> {
    let name = m.label.unwrap_or("unlabelled");
    let mut parsed = Parsed {
        label: m.label.map(str::to_owned),
        generator: None,
        actions: Vec::new(),
    };
    let mut claimed = false;
    for b in m.content.iter().filter(|b| &b.kind == b"jumb") {
        let s = superbox(b)?;
        // By label, or by the description's type when the label is odd.
        let is_claim = matches!(s.label, Some("c2pa.claim" | "c2pa.claim.v2"));
        if is_claim || (&s.kind == b"c2cl" && !claimed) {
            parsed.generator = claim::generator(cbor(&s)?)?;
            claimed = true;
        } else if s.label == Some("c2pa.assertions") || &s.kind == b"c2as" {
            for a in s.content.iter().filter(|b| &b.kind == b"jumb") {
                let a = superbox(a)?;
                let base = a.label.map(|l| l.split("__").next().unwrap_or(l));
                if matches!(base, Some("c2pa.actions" | "c2pa.actions.v2")) {
                    parsed.actions.extend(claim::actions(cbor(&a)?)?);
                }
            }
        }
    }
    if !claimed {
        return Err(format!("manifest `{name}` has no claim"));
    }
    Ok(parsed)
}

/// The payload of a superbox's `cbor` content box.
fn cbor<'a>(s: &Super<'a>) -> Result<&'a [u8], String> {
    s.content
        .iter()
        .find(|b| &b.kind == b"cbor")
        .map(|b| b.body)
        .ok_or_else(|| format!("`{}` has no CBOR box", s.label.unwrap_or("unlabelled")))
}

/// The boxes of `bytes`, which starts at `base` in the store.
fn boxes(bytes: &[u8], base: usize) -> Result<Vec<Jbox<'_>>, String> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < bytes.len() {
        if out.len() == MAX_BOXES {
            return Err(format!(
                "more than {} JUMBF boxes",
                thousands(MAX_BOXES as u64)
            ));
        }
        let at = base + i;
        let short = || {
            format!(
                "the JUMBF box at byte {} is cut short",
                thousands(at as u64)
            )
        };
        let lbox = be32(bytes, i).ok_or_else(short)?;
        let kind: [u8; 4] = super::source::get(bytes, i + 4).ok_or_else(short)?;
        let (header, len) = match lbox {
            0 => (8, (bytes.len() - i) as u64),
            1 => (16, be64(bytes, i + 8).ok_or_else(short)?),
            n => (8, u64::from(n)),
        };
        if len < header as u64 {
            return Err(format!(
                "the JUMBF box at byte {} has a length of {len}",
                thousands(at as u64)
            ));
        }
        let left = (bytes.len() - i) as u64;
        if len > left {
            return Err(format!(
                "the JUMBF box at byte {} claims {}, past the end of its store",
                thousands(at as u64),
                size(len)
            ));
        }
        let len = len as usize;
        out.push(Jbox {
            kind,
            body: &bytes[i + header..i + len],
            at: at + header,
        });
        i += len;
    }
    Ok(out)
}

/// A `jumb` box read as a superbox.
fn superbox<'a>(b: &Jbox<'a>) -> Result<Super<'a>, String> {
    let at = thousands(b.at as u64);
    if &b.kind != b"jumb" {
        return Err(format!("the box at byte {at} is not a JUMBF superbox"));
    }
    let children = boxes(b.body, b.at)?;
    let mut children = children.into_iter();
    let desc = children
        .next()
        .filter(|d| &d.kind == b"jumd" && d.body.len() >= 17)
        .ok_or_else(|| format!("the superbox at byte {at} has no description box"))?;
    let kind: [u8; 4] = super::source::get(desc.body, 0).unwrap_or_default();
    let toggles = desc.body[16];
    let label = if toggles & 0x02 != 0 {
        let rest = &desc.body[17..];
        let end = rest
            .iter()
            .position(|&c| c == 0)
            .ok_or_else(|| format!("the label of the superbox at byte {at} is not terminated"))?;
        Some(
            std::str::from_utf8(&rest[..end])
                .map_err(|_| format!("the label of the superbox at byte {at} is not UTF-8"))?,
        )
    } else {
        None
    };
    Ok(Super {
        kind,
        label,
        content: children.collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{action_store, jbox, superbox as sb};
    use super::*;

    fn read(store: &[u8]) -> Record {
        let mut r = Record::default();
        read_store(store, "PNG caBX", &mut r);
        r
    }

    #[test]
    fn the_last_manifest_is_active_and_the_others_ingredients() {
        let store = action_store(&[
            (
                "urn:c2pa:one",
                "old/1",
                "c2pa.created",
                "trainedAlgorithmicMedia",
            ),
            ("urn:c2pa:two", "new/2", "c2pa.opened", "digitalCapture"),
        ]);
        let r = read(&store);
        assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
        assert_eq!(r.manifests.len(), 2);
        assert!(!r.manifests[0].active && r.manifests[1].active);
        assert_eq!(r.manifests[1].claim_generator.as_deref(), Some("new/2"));
        assert_eq!(r.marks[0].place, "C2PA `c2pa.created` action in PNG caBX");
        assert!(r.marks[0].ingredient && !r.marks[1].ingredient);
        assert_eq!(r.marks[1].term, "digitalCapture");
    }

    #[test]
    fn hostile_stores_are_unreadable_never_a_pass() {
        let good = action_store(&[("urn:c2pa:a", "g/1", "c2pa.created", "x")]);
        let mut cut = good.clone();
        cut.truncate(good.len() - 3);
        let mut giant = good.clone();
        giant[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        let mut tiny = good.clone();
        tiny[..4].copy_from_slice(&3u32.to_be_bytes());
        let mut xl = good.clone();
        xl[..4].copy_from_slice(&1u32.to_be_bytes());
        let not_c2pa = sb(b"c2ma", "urn:x", &[]);
        let empty = sb(b"c2pa", "c2pa", &[]);
        let no_claim = sb(b"c2pa", "c2pa", &[sb(b"c2ma", "urn:m", &[])]);
        let stray = sb(b"c2pa", "c2pa", &[jbox(b"free", &[0; 4])]);
        for store in [
            cut,
            giant,
            tiny,
            xl,
            not_c2pa,
            empty,
            no_claim,
            stray,
            vec![],
            vec![0; 7],
        ] {
            let r = read(&store);
            assert_eq!(r.unreadable.len(), 1, "{store:?}");
            assert!(r.unreadable[0].c2pa);
            assert_eq!(r.unreadable[0].place, "C2PA manifest store in PNG caBX");
        }
        let r = read(&{
            let mut g = good.clone();
            g[..4].copy_from_slice(&u32::MAX.to_be_bytes());
            g
        });
        assert!(
            r.unreadable[0].reason.contains("claims 3 GiB"),
            "{:?}",
            r.unreadable
        );
    }
}
