#!/usr/bin/env python3
"""Generate the plates repository of bench/provenance.sh.

    gen_plates.py DIR [--plates 2000]

A git repository with an aiclear project and PLATES images under vfx/, about
two thirds JPEG (1280x720 to 3840x2160, 0.3 to 2.5 MB) and a third PNG
(960x540 to 1920x1080, 0.7 to 2.8 MB). Every fifth plate carries an embedded
record: half of those an XMP packet with Iptc4xmpExt:DigitalSourceType (JPEG
APP1, PNG iTXt `XML:com.adobe.xmp`, before or after the pixel data), half a
C2PA manifest signed with c2pa-python (a `c2pa.created` action with a digital
source type) and a test certificate made with openssl. Every plate has a
sidecar NAME.EXT.genai.yml: `genai: none` for camera plates and for those
whose record says digitalCapture, a declared image use with the embedded
source type for the generated ones, but for one in twenty of the plates with
a record (trainedAlgorithmicMedia, half XMP, half C2PA), whose sidecar says
`genai: none`: a check that reads the records finds exactly these (GA701) and
nothing else. Pixels come from a few templates per size; each plate gets its
own comment so no two files are the same. Deterministic but for the C2PA
signatures (a new test key on each run).
"""
import argparse
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import zlib

from PIL import Image

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
CONFIG = """\
# aiclear configuration of the plates benchmark (bench/provenance.sh).
production: {{ title: PLATES BENCH, season: 1, company: Bench Productions }}
policy: netflix-2025-08
files:
  media:
    - "vfx/**/*.jpg"
    - "vfx/**/*.png"
require-declaration: true
approvers:
  - {{ email: mei.chen@netflix.example.com, name: Mei Chen }}
{extra}"""

# (format, width, height, share of that format's plates)
JPEG_SIZES = [((1920, 1080), 55), ((1280, 720), 35), ((3840, 2160), 10)]
PNG_SIZES = [((1920, 1080), 15), ((1280, 720), 40), ((960, 540), 45)]
TEMPLATES_PER_SIZE = 3
ELEMENTS = ["bg", "fg", "cln", "sky", "ref", "matte"]


def template(fmt, size, seed):
    w, h = size
    base = Image.effect_mandelbrot((w, h), (-2.0 + (seed % 12) * 0.06, -1.1, 0.8, 1.1), 60)
    grad = Image.linear_gradient("L").resize((w, h))
    noise = Image.effect_noise((w, h), 18)
    r = Image.blend(base, noise, 0.35)
    g = Image.blend(grad, noise, 0.3)
    b = Image.blend(grad.transpose(Image.Transpose.ROTATE_180), base, 0.5)
    im = Image.merge("RGB", (r, g, b))
    buf = io.BytesIO()
    if fmt == "jpg":
        im.save(buf, "JPEG", quality=92)
    else:
        im.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def xmp_packet(source_type, attribute):
    st = IPTC + source_type
    if attribute:
        desc = (
            '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
            ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
            f' Iptc4xmpExt:DigitalSourceType="{st}" xmp:CreatorTool="Bench Generator 1.0"/>'
        )
    else:
        desc = (
            '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            '   <dc:format>image</dc:format>\n'
            f'   <Iptc4xmpExt:DigitalSourceType>{st}</Iptc4xmpExt:DigitalSourceType>\n'
            "  </rdf:Description>"
        )
    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f"  {desc}\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n" + " " * 2048 + '\n<?xpacket end="w"?>'
    )
    return body.encode()


def jpeg_insert(data, segments):
    """Insert segments (marker, payload) after SOI and any APP0 (JFIF)."""
    assert data[:2] == b"\xff\xd8"
    pos = 2
    if data[2:4] == b"\xff\xe0":
        pos = 4 + struct.unpack(">H", data[4:6])[0]
    out = [data[:pos]]
    for marker, payload in segments:
        out.append(bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload)
    out.append(data[pos:])
    return b"".join(out)


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_insert(data, early, late):
    """Insert chunks after IHDR (early) and before IEND (late)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    ihdr_end = 8 + 12 + struct.unpack(">I", data[8:12])[0]
    iend = data.rindex(b"IEND") - 4
    return data[:ihdr_end] + b"".join(early) + data[ihdr_end:iend] + b"".join(late) + data[iend:]


def make_signer(tmp):
    import c2pa

    ext = os.path.join(tmp, "leaf.ext")
    with open(ext, "w") as f:
        f.write(
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid,issuer\n"
        )
    p = lambda *a: os.path.join(tmp, *a)  # noqa: E731
    run = lambda *a: subprocess.run(a, check=True, capture_output=True)  # noqa: E731
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("ca.key"))
    run("openssl", "req", "-x509", "-new", "-key", p("ca.key"), "-sha256", "-days", "3650",
        "-subj", "/CN=Plates Bench Test CA/O=aiclear bench", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", p("ca.pem"))
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("leaf.key"))
    run("openssl", "req", "-new", "-key", p("leaf.key"), "-subj", "/CN=Plates Bench Signer/O=aiclear bench",
        "-out", p("leaf.csr"))
    run("openssl", "x509", "-req", "-in", p("leaf.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
        "-CAcreateserial", "-days", "3650", "-sha256", "-extfile", ext, "-out", p("leaf.pem"))
    chain = open(p("leaf.pem"), "rb").read() + open(p("ca.pem"), "rb").read()
    key = open(p("leaf.key"), "rb").read()
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None)
    return c2pa.Signer.from_info(info)


def c2pa_sign(signer, data, fmt, title, source_type):
    import c2pa

    manifest = {
        "claim_generator_info": [{"name": "Bench Generator", "version": "1.0"}],
        "title": title,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": IPTC + source_type}]},
            }
        ],
    }
    mime = "image/jpeg" if fmt == "jpg" else "image/png"
    out = io.BytesIO()
    with c2pa.Builder.from_json(json.dumps(manifest)) as builder:
        builder.sign(signer, mime, io.BytesIO(data), out)
    return out.getvalue()


def sidecar(name, source_type, undeclared):
    if source_type in (None, "digitalCapture") or undeclared:
        return f"# {name}: camera plate.\ngenai: none\n"
    return (
        f"# {name}: generated plate.\n"
        "genai:\n"
        '  disclosed: { to: "Mei Chen", on: 2025-09-02 }\n'
        "  uses:\n"
        "    - id: plate-gen\n"
        "      stage: previs\n"
        "      output: image\n"
        f"      source-type: {source_type}\n"
        '      tools: [{ name: "Adobe Firefly", enterprise: true, trains-on-inputs: false }]\n'
        '      human-input: "compositor graded and cleaned the plate by hand"\n'
    )


def pick(rnd, sizes):
    x = rnd.uniform(0, sum(s for _, s in sizes))
    for size, share in sizes:
        x -= share
        if x < 0:
            return size
    return sizes[-1][0]


def plan(n):
    """(path, fmt, size, template, marker, source_type, undeclared) for each plate."""
    rnd = random.Random(14)
    rows = []
    for i in range(n):
        seq, shot, take = i // 100, (i // 4) % 25, i % 4
        fmt = "png" if i % 3 == 2 else "jpg"
        size = pick(rnd, JPEG_SIZES if fmt == "jpg" else PNG_SIZES)
        shot_name = f"sq{(seq + 1) * 10:03d}_sh{(shot + 1) * 10:04d}"
        path = f"vfx/sq{(seq + 1) * 10:03d}/{shot_name}/plates/{shot_name}_{ELEMENTS[(i // 7) % 6]}_v{take + 1:03d}.{fmt}"
        marker, st, undeclared = None, None, False
        if i % 5 == 4:  # a fifth carry a record; alternate XMP and C2PA
            m = i // 5
            marker = "xmp" if m % 2 == 0 else "c2pa"
            k = (m // 2) % 8
            st = "digitalCapture" if k == 0 else "compositeWithTrainedAlgorithmicMedia" if k == 1 else "trainedAlgorithmicMedia"
            undeclared = m % 40 in (6, 7)  # trainedAlgorithmicMedia, one XMP and one C2PA
        rows.append((path, fmt, size, rnd.randrange(TEMPLATES_PER_SIZE), marker, st, undeclared))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--plates", type=int, default=2000)
    args = ap.parse_args()
    start = time.time()
    repo = args.dir
    os.makedirs(os.path.join(repo, ".aiclear"))
    with open(os.path.join(repo, ".aiclear", "config.yml"), "w") as f:
        f.write(CONFIG.format(extra=""))
    rows = plan(args.plates)
    templates = {}
    counts = {"jpg": 0, "png": 0, "xmp": 0, "c2pa": 0, "undeclared": 0, "bytes": 0}
    with tempfile.TemporaryDirectory() as tmp:
        signer = make_signer(tmp) if any(r[4] == "c2pa" for r in rows) else None
        for i, (path, fmt, size, t, marker, st, undeclared) in enumerate(rows):
            key = (fmt, size, t)
            if key not in templates:
                templates[key] = template(fmt, size, t + 3 * len(templates))
            data = templates[key]
            name = os.path.basename(path)
            comment = f"plate {name}, shot {path.split('/')[2]}, take {i}".encode()
            xmp = marker == "xmp"
            if fmt == "jpg":
                segs = [(0xFE, comment)]
                if xmp:
                    segs.insert(0, (0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp_packet(st, i % 20 == 4)))
                data = jpeg_insert(data, segs)
            else:
                early = [png_chunk(b"tEXt", b"Comment\0" + comment)]
                late = []
                if xmp:
                    chunk = png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + xmp_packet(st, i % 20 == 4))
                    (late if i % 20 == 14 else early).append(chunk)
                data = png_insert(data, early, late)
            if marker == "c2pa":
                data = c2pa_sign(signer, data, fmt, name, st)
            full = os.path.join(repo, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
            with open(full + ".genai.yml", "w") as f:
                f.write(sidecar(name, st, undeclared))
            counts[fmt] += 1
            counts["bytes"] += len(data)
            if marker:
                counts[marker] += 1
            counts["undeclared"] += undeclared
    env = dict(os.environ, GIT_AUTHOR_DATE="1760000000 +0000", GIT_COMMITTER_DATE="1760000000 +0000",
               GIT_AUTHOR_NAME="Dana Ruiz", GIT_AUTHOR_EMAIL="dana.ruiz@lastsignal.example.com",
               GIT_COMMITTER_NAME="Dana Ruiz", GIT_COMMITTER_EMAIL="dana.ruiz@lastsignal.example.com")
    git = ["git", "-C", repo, "-c", "core.looseCompression=1"]
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    subprocess.run(git + ["add", "-A"], check=True, env=env)
    subprocess.run(git + ["commit", "-q", "-m", "Plates with sidecars"], check=True, env=env)
    counts["seconds"] = round(time.time() - start, 1)
    print(json.dumps(counts))


if __name__ == "__main__":
    sys.exit(main())
