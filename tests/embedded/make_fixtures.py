#!/usr/bin/env python3
"""Makes the signed media fixtures under tests/corpus/media/generated/.

Each file is a tiny image, sound or video signed with c2pa-python
(`pip install c2pa-python`, 0.38) with one `c2pa.created` action whose
`digitalSourceType` is an IPTC term, by a throwaway ES256 certificate chain
made with openssl (tests/embedded/certs/, committed so that the files can
be re-signed the same way; the CA's key is not kept). One JPEG carries the
term in XMP only, `sidecar.c2pa` is the bare manifest store of the unsigned
`sidecar.jpg`, and `plain.png` carries nothing.

    python3 tests/embedded/make_fixtures.py [OUT_DIR]

The HEIC files need pillow-heif as well (`pip install pillow-heif`).

Also importable: `sign(src, dst, mime, term)` signs one file, which the
integration tests use to sign a fresh file with a random source type.
"""

import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
CERTS = os.path.join(HERE, "certs")
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "corpus", "media", "generated")
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
GENERATOR = {"name": "aiclear-fixtures", "version": "1.0"}


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_certs():
    """A CA and a signing certificate with the key usages C2PA asks for:
    digitalSignature, and the emailProtection extended key usage."""
    os.makedirs(CERTS, exist_ok=True)
    ca_key, ca = os.path.join(CERTS, "ca.key"), os.path.join(CERTS, "ca.pem")
    key, csr = os.path.join(CERTS, "signer.key"), os.path.join(CERTS, "signer.csr")
    cert, chain = os.path.join(CERTS, "signer.pem"), os.path.join(CERTS, "chain.pem")
    if os.path.exists(chain) and os.path.exists(key):
        return chain, key
    with tempfile.TemporaryDirectory() as tmp:
        ca_ext = os.path.join(tmp, "ca.ext")
        leaf_ext = os.path.join(tmp, "leaf.ext")
        with open(ca_ext, "w") as f:
            f.write("basicConstraints=critical,CA:TRUE\n"
                    "keyUsage=critical,keyCertSign,cRLSign\n"
                    "subjectKeyIdentifier=hash\n")
        with open(leaf_ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=emailProtection\n"
                    "subjectKeyIdentifier=hash\n"
                    "authorityKeyIdentifier=keyid\n")
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ca_key)
        ca_csr = os.path.join(tmp, "ca.csr")
        openssl("req", "-new", "-key", ca_key, "-out", ca_csr,
                "-subj", "/CN=aiclear test CA/O=aiclear tests")
        openssl("x509", "-req", "-in", ca_csr, "-signkey", ca_key, "-out", ca,
                "-days", "36500", "-sha256", "-extfile", ca_ext)
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
        openssl("req", "-new", "-key", key, "-out", csr,
                "-subj", "/CN=aiclear test signer/O=aiclear tests")
        openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                "-out", cert, "-days", "36500", "-sha256", "-extfile", leaf_ext)
    with open(chain, "w") as out:
        for part in (cert, ca):
            out.write(open(part).read())
    for leftover in (csr, ca_key, os.path.join(CERTS, "ca.srl")):
        if os.path.exists(leftover):
            os.remove(leftover)
    return chain, key


def signer():
    import c2pa
    chain, key = make_certs()
    info = c2pa.C2paSignerInfo(b"es256", open(chain, "rb").read(), open(key, "rb").read(), None)
    return c2pa.Signer.from_info(info)


def manifest(term, title):
    return {
        "claim_generator_info": [GENERATOR],
        "title": title,
        "assertions": [{
            "label": "c2pa.actions",
            "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": IPTC + term}]},
        }],
    }


def sign(src, dst, mime, term, embed=True):
    """Signs the file `src` into `dst`; returns the manifest store's bytes.
    Unless `embed`, `dst` is left as `src` and the store is only returned
    (for a `.c2pa` sidecar)."""
    import c2pa
    builder = c2pa.Builder(json.dumps(manifest(term, os.path.basename(dst))))
    if not embed:
        builder.set_no_embed()
    with open(src, "rb") as source, open(dst, "w+b") as dest:
        return builder.sign(signer(), mime, source, dest)


def image(fmt, **save):
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (40, 90, 160)).save(buf, fmt, **save)
    return buf.getvalue()


def heic(**save):
    """A HEIC image, if pillow-heif is installed (else None)."""
    try:
        import pillow_heif
    except ImportError:
        return None
    from PIL import Image
    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (40, 90, 160)).save(buf, "HEIF", quality=30, **save)
    return buf.getvalue()


def wav():
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 800)
    return buf.getvalue()


def box(kind, body):
    return struct.pack(">I", len(body) + 8) + kind + body


def mp4():
    """A tiny ISO media file: ftyp, a movie header with no tracks, mdat."""
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    mvhd = box(b"mvhd", struct.pack(">IIIII", 0, 0, 0, 1000, 0) + struct.pack(">IH", 0x10000, 0x100)
               + b"\0" * 10 + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
               + b"\0" * 24 + struct.pack(">I", 2))
    return ftyp + box(b"moov", mvhd) + box(b"mdat", b"\0" * 64)


XMP = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
       '<Iptc4xmpExt:DigitalSourceType>' + IPTC + 'trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>'
       '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')

# (file name, MIME type, unsigned bytes, digital source type)
SIGNED = [
    ("trained.jpg", "image/jpeg", lambda: image("JPEG", quality=50), "trainedAlgorithmicMedia"),
    ("composite.png", "image/png", lambda: image("PNG"), "compositeWithTrainedAlgorithmicMedia"),
    ("algorithmic.tif", "image/tiff", lambda: image("TIFF"), "algorithmicMedia"),
    ("capture.webp", "image/webp", lambda: image("WEBP", quality=50), "digitalCapture"),
    ("trained.wav", "audio/wav", wav, "trainedAlgorithmicMedia"),
    ("trained.mp4", "video/mp4", mp4, "trainedAlgorithmicMedia"),
    ("trained.heic", "image/heic", heic, "trainedAlgorithmicMedia"),
]


def main(out):
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, mime, make, term in SIGNED:
            src = os.path.join(tmp, name)
            unsigned = make()
            if unsigned is None:
                print(f"skipped {name}: pillow-heif is not installed", file=sys.stderr)
                continue
            with open(src, "wb") as f:
                f.write(unsigned)
            sign(src, os.path.join(out, name), mime, term)
        src = os.path.join(tmp, "sidecar.jpg")
        with open(src, "wb") as f:
            f.write(image("JPEG", quality=50))
        store = sign(src, os.path.join(out, "sidecar.jpg"), "image/jpeg", "trainedAlgorithmicMedia",
                     embed=False)
        with open(os.path.join(out, "sidecar.c2pa"), "wb") as f:
            f.write(store)
    with open(os.path.join(out, "plain.png"), "wb") as f:
        f.write(image("PNG"))
    with open(os.path.join(out, "xmp-only.jpg"), "wb") as f:
        f.write(image("JPEG", quality=50, xmp=XMP.encode()))
    xmp_heic = heic(xmp=XMP.encode())
    if xmp_heic is not None:
        with open(os.path.join(out, "xmp-only.heic"), "wb") as f:
            f.write(xmp_heic)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT)
