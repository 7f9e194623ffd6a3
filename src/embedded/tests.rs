//! Byte builders shared by the container tests, and tests of the whole
//! reader.

use super::*;

/// A box: length, type, body.
pub fn jbox(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// A JUMBF superbox whose description has the type `kind` (the UUID's first
/// four bytes) and `label`.
pub fn superbox(kind: &[u8; 4], label: &str, children: &[Vec<u8>]) -> Vec<u8> {
    let mut desc = kind.to_vec();
    desc.extend_from_slice(&[0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA]);
    desc.extend_from_slice(&[0x00, 0x38, 0x9B, 0x71, 0x03]);
    desc.extend_from_slice(label.as_bytes());
    desc.push(0);
    let mut body = jbox(b"jumd", &desc);
    for c in children {
        body.extend_from_slice(c);
    }
    jbox(b"jumb", &body)
}

/// A CBOR text string.
pub fn text(s: &str) -> Vec<u8> {
    let mut out = match s.len() {
        n if n < 24 => vec![0x60 | n as u8],
        n if n < 256 => vec![0x78, n as u8],
        n => {
            let mut v = vec![0x79];
            v.extend_from_slice(&(n as u16).to_be_bytes());
            v
        }
    };
    out.extend_from_slice(s.as_bytes());
    out
}

/// A CBOR map of text to text.
pub fn map(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = vec![0xA0 | pairs.len() as u8];
    for (k, v) in pairs {
        out.extend(text(k));
        out.extend(text(v));
    }
    out
}

/// A store of manifests `(label, claim generator, action, source type)`,
/// each with one action.
pub fn action_store(manifests: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut children = Vec::new();
    for (label, generator, action, source) in manifests {
        let mut actions = vec![0xA1];
        actions.extend(text("actions"));
        actions.push(0x81);
        actions.extend(map(&[("action", action), ("digitalSourceType", source)]));
        let assertion = superbox(b"cbor", "c2pa.actions.v2", &[jbox(b"cbor", &actions)]);
        let assertions = superbox(b"c2as", "c2pa.assertions", &[assertion]);
        let claim = map(&[("claim_generator", generator)]);
        let claim = superbox(b"c2cl", "c2pa.claim.v2", &[jbox(b"cbor", &claim)]);
        children.push(superbox(b"c2ma", label, &[assertions, claim]));
    }
    superbox(b"c2pa", "c2pa", &children)
}

/// An XMP packet giving `value` as the digital source type.
pub fn xmp(value: &str) -> Vec<u8> {
    format!(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF \
         xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description \
         xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" \
         Iptc4xmpExt:DigitalSourceType=\"http://cv.iptc.org/newscodes/digitalsourcetype/{value}\"/>\
         </rdf:RDF></x:xmpmeta>"
    )
    .into_bytes()
}

/// The terms a record's marks give, in order.
pub fn terms(r: &Record) -> Vec<&str> {
    r.marks.iter().map(|m| m.term.as_str()).collect()
}

#[test]
fn sniffs_by_content_not_name() {
    assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(Format::Jpeg));
    assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(Format::Png));
    assert_eq!(sniff(b"MM\0*"), Some(Format::Tiff));
    assert_eq!(sniff(b"\0\0\0\x18ftypheic"), Some(Format::Bmff));
    assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), Some(Format::Riff));
    assert_eq!(
        sniff(&[0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0]),
        Some(Format::Exr)
    );
    assert_eq!(sniff(b"\0\0\0\x20jumb"), Some(Format::C2pa));
    assert_eq!(sniff(b"#usda 1.0"), None);
    assert_eq!(sniff(b""), None);
}

#[test]
fn terms_are_the_uris_last_segment() {
    assert_eq!(
        term_of("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia/"),
        "trainedAlgorithmicMedia"
    );
    assert_eq!(term_of(" digitalCapture "), "digitalCapture");
    let m = Mark::new("algorithmicMedia", "here".into(), false);
    assert_eq!(m.origin, Origin::Algorithmic);
}

#[test]
fn a_bare_store_is_read_whole() {
    let store = action_store(&[(
        "urn:c2pa:x",
        "g/1",
        "c2pa.created",
        "trainedAlgorithmicMedia",
    )]);
    let r = read_bytes(&store);
    assert_eq!(r.format, Some(Format::C2pa));
    assert_eq!(r.manifests[0].place, ".c2pa sidecar");
    assert_eq!(r.generative().unwrap().term, "trainedAlgorithmicMedia");
}

#[test]
fn unknown_and_tiny_files_give_empty_records() {
    for bytes in [
        &b""[..],
        b"\xFF",
        b"\xFF\xD8\xFF",
        b"hello world, this is text",
    ] {
        let r = read_bytes(bytes);
        assert!(r.is_empty(), "{bytes:?}");
    }
}
