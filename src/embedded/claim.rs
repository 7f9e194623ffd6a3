//! The CBOR of a C2PA claim (who signed it) and of an actions assertion
//! (each action and its digital source type), read without a schema:
//! unknown keys are skipped, tags are looked through.

use minicbor::Decoder;
use minicbor::data::Type;

type Cbor<T> = Result<T, minicbor::decode::Error>;

/// One action of a `c2pa.actions` assertion.
#[derive(Debug, PartialEq, Eq)]
pub struct Action {
    pub action: Option<String>,
    pub source_type: Option<String>,
}

/// The claim generator: `claim_generator`, else the first
/// `claim_generator_info`'s `name/version`.
pub fn generator(cbor: &[u8]) -> Result<Option<String>, String> {
    let mut d = Decoder::new(cbor);
    let mut plain = None;
    let mut info = None;
    entries(&mut d, &mut |key, d| {
        match key {
            Some("claim_generator") => plain = text(d)?,
            Some("claim_generator_info") => info = generator_info(d)?,
            _ => d.skip()?,
        }
        Ok(())
    })
    .map_err(|e| format!("the claim's CBOR does not parse: {e}"))?;
    Ok(plain.or(info))
}

/// `claim_generator_info`: a map (claim v2) or an array of maps (v1).
fn generator_info(d: &mut Decoder) -> Cbor<Option<String>> {
    untag(d)?;
    let mut first = None;
    match d.datatype()? {
        Type::Array | Type::ArrayIndef => items(d, &mut |d| {
            if first.is_none() {
                first = name_version(d)?;
            } else {
                d.skip()?;
            }
            Ok(())
        })?,
        Type::Map | Type::MapIndef => first = name_version(d)?,
        _ => d.skip()?,
    }
    Ok(first)
}

fn name_version(d: &mut Decoder) -> Cbor<Option<String>> {
    let (mut name, mut version) = (None, None);
    if !matches!(d.datatype()?, Type::Map | Type::MapIndef) {
        d.skip()?;
        return Ok(None);
    }
    entries(d, &mut |key, d| {
        match key {
            Some("name") => name = text(d)?,
            Some("version") => version = text(d)?,
            _ => d.skip()?,
        }
        Ok(())
    })?;
    Ok(match (name, version) {
        (Some(n), Some(v)) => Some(format!("{n}/{v}")),
        (n, _) => n,
    })
}

/// The actions of a `c2pa.actions` or `c2pa.actions.v2` assertion.
pub fn actions(cbor: &[u8]) -> Result<Vec<Action>, String> {
    let mut d = Decoder::new(cbor);
    let mut out = Vec::new();
    entries(&mut d, &mut |key, d| {
        if key == Some("actions") {
            untag(d)?;
            if !matches!(d.datatype()?, Type::Array | Type::ArrayIndef) {
                return d.skip();
            }
            items(d, &mut |d| {
                out.extend(action(d)?);
                Ok(())
            })
        } else {
            d.skip()
        }
    })
    .map_err(|e| format!("the actions assertion's CBOR does not parse: {e}"))?;
    Ok(out)
}

fn action(d: &mut Decoder) -> Cbor<Option<Action>> {
    untag(d)?;
    if !matches!(d.datatype()?, Type::Map | Type::MapIndef) {
        d.skip()?;
        return Ok(None);
    }
    let mut found = Action {
        action: None,
        source_type: None,
    };
    entries(d, &mut |key, d| {
        match key {
            Some("action") => found.action = text(d)?,
            Some("digitalSourceType") => found.source_type = text(d)?,
            _ => d.skip()?,
        }
        Ok(())
    })?;
    Ok(Some(found))
}

/// Skips any tags before the next value.
fn untag(d: &mut Decoder) -> Cbor<()> {
    while d.datatype()? == Type::Tag {
        d.tag()?;
    }
    Ok(())
}

/// A text string, or `None` (and the value skipped) for anything else.
fn text(d: &mut Decoder) -> Cbor<Option<String>> {
    untag(d)?;
    if d.datatype()? == Type::String {
        Ok(Some(d.str()?.to_owned()))
    } else {
        d.skip()?;
        Ok(None)
    }
}

/// Calls `f` with each key of a map (`None` for a key that is not text);
/// `f` consumes the value.
fn entries<'b>(
    d: &mut Decoder<'b>,
    f: &mut dyn FnMut(Option<&str>, &mut Decoder<'b>) -> Cbor<()>,
) -> Cbor<()> {
    untag(d)?;
    let len = d.map()?;
    repeat(d, len, &mut |d| {
        let key = if d.datatype()? == Type::String {
            Some(d.str()?.to_owned())
        } else {
            d.skip()?;
            None
        };
        f(key.as_deref(), d)
    })
}

/// Calls `f` for each item of an array; `f` consumes the item.
fn items<'b>(d: &mut Decoder<'b>, f: &mut dyn FnMut(&mut Decoder<'b>) -> Cbor<()>) -> Cbor<()> {
    let len = d.array()?;
    repeat(d, len, f)
}

/// Calls `f` `len` times, or until the break that ends a container of
/// indefinite length.
fn repeat<'b>(
    d: &mut Decoder<'b>,
    len: Option<u64>,
    f: &mut dyn FnMut(&mut Decoder<'b>) -> Cbor<()>,
) -> Cbor<()> {
    let mut seen = 0u64;
    loop {
        match len {
            Some(n) if seen == n => return Ok(()),
            None if d.datatype()? == Type::Break => {
                d.set_position(d.position() + 1);
                return Ok(());
            }
            _ => {}
        }
        f(d)?;
        seen += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CBOR text string.
    pub(crate) fn t(s: &str) -> Vec<u8> {
        let mut out = if s.len() < 24 {
            vec![0x60 | s.len() as u8]
        } else {
            vec![0x78, s.len() as u8]
        };
        out.extend_from_slice(s.as_bytes());
        out
    }

    #[test]
    fn reads_actions_in_definite_and_indefinite_maps() {
        // {"actions": [{"action": "c2pa.created", "digitalSourceType": "x", 1: 2}, 5], "n": 1}
        let mut cbor = vec![0xA2];
        cbor.extend(t("actions"));
        cbor.push(0x82);
        cbor.push(0xBF);
        cbor.extend(t("action"));
        cbor.extend(t("c2pa.created"));
        cbor.extend(t("digitalSourceType"));
        cbor.extend([0xD8, 0x20]); // tag 32 (URI)
        cbor.extend(t("x"));
        cbor.extend([0x01, 0x02, 0xFF, 0x05]);
        cbor.extend(t("n"));
        cbor.push(0x01);
        assert_eq!(
            actions(&cbor).unwrap(),
            vec![Action {
                action: Some("c2pa.created".into()),
                source_type: Some("x".into()),
            }]
        );
    }

    #[test]
    fn reads_the_generator_of_either_claim_version() {
        let mut v1 = vec![0xA1];
        v1.extend(t("claim_generator"));
        v1.extend(t("make_test_images/0.1"));
        assert_eq!(
            generator(&v1).unwrap().as_deref(),
            Some("make_test_images/0.1")
        );
        let mut v2 = vec![0xA1];
        v2.extend(t("claim_generator_info"));
        v2.push(0xA2);
        v2.extend(t("name"));
        v2.extend(t("tool"));
        v2.extend(t("version"));
        v2.extend(t("2.0"));
        assert_eq!(generator(&v2).unwrap().as_deref(), Some("tool/2.0"));
    }

    #[test]
    fn broken_cbor_is_a_reason() {
        assert!(actions(&[0xA1, 0x67]).is_err());
        assert!(actions(&[0xBB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).is_err());
        assert!(generator(&[]).is_err());
        // An array claiming 2^64 - 1 items ends with the input.
        let mut huge = vec![0xA1];
        huge.extend(t("actions"));
        huge.extend([0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        assert!(actions(&huge).is_err());
    }
}
