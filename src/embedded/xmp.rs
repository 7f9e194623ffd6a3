//! `Iptc4xmpExt:DigitalSourceType` in an XMP packet, with namespaces
//! resolved: the property may be an attribute of an `rdf:Description`, an
//! element with text, or an element with an `rdf:resource` attribute.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

const IPTC_EXT: &str = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const PROPERTY: &str = "DigitalSourceType";
/// Elements deeper than this are not XMP a tool wrote.
const MAX_DEPTH: usize = 64;

fn is(ns: &ResolveResult, uri: &str) -> bool {
    matches!(ns, ResolveResult::Bound(n) if n.0 == uri)
}

/// Every digital source type the packet records, in document order; the
/// reason, lowercase, when it is not well-formed XML.
pub fn source_types(packet: &[u8]) -> Result<Vec<String>, String> {
    let packet = trim_packet(packet);
    let text = std::str::from_utf8(packet).map_err(|e| {
        format!(
            "the packet is not UTF-8 (byte {})",
            super::source::thousands(e.valid_up_to() as u64)
        )
    })?;
    let mut reader = NsReader::from_str(text);
    let mut found = Vec::new();
    let mut depth = 0usize;
    // The text of an open `DigitalSourceType` element, at its depth.
    let mut open: Option<(usize, String)> = None;
    loop {
        let event = reader
            .read_resolved_event()
            .map(|(ns, ev)| (is(&ns, IPTC_EXT), ev))
            .map_err(|e| format!("the XML does not parse: {e}"))?;
        match event {
            (ours, Event::Start(e)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("elements nest deeper than {MAX_DEPTH}"));
                }
                attributes(&reader, &e, &mut found);
                if ours && e.local_name().as_ref() == PROPERTY {
                    match resource(&reader, &e) {
                        Some(value) => found.push(value),
                        None => open = Some((depth, String::new())),
                    }
                }
            }
            (ours, Event::Empty(e)) => {
                attributes(&reader, &e, &mut found);
                if ours && e.local_name().as_ref() == PROPERTY {
                    found.extend(resource(&reader, &e));
                }
            }
            (_, Event::End(_)) => {
                if let Some((_, value)) = open.take_if(|(at, _)| *at == depth)
                    && !value.trim().is_empty()
                {
                    found.push(value.trim().to_owned());
                }
                depth = depth.saturating_sub(1);
            }
            (_, Event::Text(t)) => push_text(&mut open, depth, &t.xml10_content()),
            (_, Event::CData(t)) => push_text(&mut open, depth, &t.xml10_content()),
            (_, Event::GeneralRef(r)) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => predefined(&r).to_owned(),
                };
                push_text(&mut open, depth, &c);
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    Ok(found)
}

fn push_text(open: &mut Option<(usize, String)>, depth: usize, text: &str) {
    if let Some((at, value)) = open
        && *at == depth
    {
        value.push_str(text);
    }
}

/// The text of a predefined entity reference (`&amp;`), empty for others.
fn predefined(name: &str) -> &'static str {
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
}

/// `Iptc4xmpExt:DigitalSourceType="…"` on any element (the attribute form
/// of an `rdf:Description`).
fn attributes(reader: &NsReader<&[u8]>, e: &BytesStart, found: &mut Vec<String>) {
    for attr in e.attributes().flatten() {
        let (ns, local) = reader.resolver().resolve_attribute(attr.key);
        if is(&ns, IPTC_EXT)
            && local.as_ref() == PROPERTY
            && let Ok(value) = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        {
            found.push(value.trim().to_owned());
        }
    }
}

/// The `rdf:resource` of a property element.
fn resource(reader: &NsReader<&[u8]>, e: &BytesStart) -> Option<String> {
    e.attributes().flatten().find_map(|attr| {
        let (ns, local) = reader.resolver().resolve_attribute(attr.key);
        (is(&ns, RDF) && local.as_ref() == "resource")
            .then(|| {
                attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
            })
            .flatten()
            .map(|v| v.trim().to_owned())
    })
}

/// The packet without a byte-order mark and the NUL or space padding
/// writers leave after it.
fn trim_packet(packet: &[u8]) -> &[u8] {
    let packet = packet.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(packet);
    let end = packet
        .iter()
        .rposition(|&b| !matches!(b, 0 | b' ' | b'\n' | b'\r' | b'\t'))
        .map_or(0, |i| i + 1);
    &packet[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

    fn packet(body: &str) -> Vec<u8> {
        format!(
            "\u{feff}<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
             <x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"{RDF}\">{body}</rdf:RDF>\
             </x:xmpmeta><?xpacket end=\"w\"?>\0\0  "
        )
        .into_bytes()
    }

    #[test]
    fn reads_the_attribute_form() {
        let xmp = packet(&format!(
            "<rdf:Description rdf:about=\"\" xmlns:Iptc4xmpExt=\"{IPTC_EXT}\" \
             Iptc4xmpExt:DigitalSourceType=\"{URI}\"/>"
        ));
        assert_eq!(source_types(&xmp).unwrap(), vec![URI]);
    }

    #[test]
    fn reads_the_element_and_resource_forms_under_any_prefix() {
        let xmp = packet(&format!(
            "<rdf:Description xmlns:ext=\"{IPTC_EXT}\"><ext:DigitalSourceType>\n  {URI}&amp;x\n\
             </ext:DigitalSourceType><ext:DigitalSourceType rdf:resource=\"{URI}\"/>\
             </rdf:Description>"
        ));
        assert_eq!(
            source_types(&xmp).unwrap(),
            vec![format!("{URI}&x"), URI.to_owned()]
        );
    }

    #[test]
    fn another_namespace_with_the_same_prefix_is_not_iptc() {
        let xmp = packet(&format!(
            "<rdf:Description xmlns:Iptc4xmpExt=\"http://example.com/other/\" \
             Iptc4xmpExt:DigitalSourceType=\"{URI}\"><Iptc4xmpExt:DigitalSourceType>{URI}\
             </Iptc4xmpExt:DigitalSourceType></rdf:Description>"
        ));
        assert!(source_types(&xmp).unwrap().is_empty());
    }

    #[test]
    fn broken_xml_is_a_reason_not_a_panic() {
        assert!(source_types(b"<x:xmpmeta><a></b>").is_err());
        assert!(source_types(b"\xff\xfe<").is_err());
        let deep = "<a>".repeat(1000);
        assert!(source_types(deep.as_bytes()).is_err());
        assert!(source_types(b"").unwrap().is_empty());
    }
}
