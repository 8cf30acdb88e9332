#!/usr/bin/python3
"""Mutant generator and checker for Scripts/fuzz (stdlib only; run with /usr/bin/python3).

  fuzz-mutants.py mutate SEEDS_DIR OUT_DIR SEED BATCH COUNT
      Writes COUNT mutants of the files in SEEDS_DIR (PDF, txt, md, html, docx, eml) into
      OUT_DIR, named case-SEED-BATCH-NNN-<operation>-<seed file>. The same SEED, BATCH and
      COUNT always give the same bytes.

  fuzz-mutants.py check DOCS_DIR STATUS_JSON INDEX
      Checks that every file in DOCS_DIR ends as indexed, skipped or failed with a reason in
      `docqa status --json` (STATUS_JSON), and that INDEX passes PRAGMA integrity_check.
      Prints one line per violation; exits 1 when there is one.
"""

import io
import json
import os
import random
import sqlite3
import sys
import zipfile

SEED_EXTENSIONS = (".pdf", ".txt", ".md", ".html", ".htm", ".docx", ".eml")
MAX_GROWTH = 2  # a mutant is at most this many times its seed's size (plus 4 KB)


def bit_flips(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def overwrite_run(rng, data):
    data = bytearray(data)
    if not data:
        return bytes(data)
    length = rng.randint(1, min(256, len(data)))
    start = rng.randrange(len(data) - length + 1)
    fill = rng.choice([b"\x00", b"\xff", b"(", b"<", b"%", b"\\", b"\n", None])
    for i in range(start, start + length):
        data[i] = rng.randrange(256) if fill is None else fill[0]
    return bytes(data)


def truncate(rng, data):
    return data[: rng.randrange(len(data) + 1)] if data else data


def duplicate_chunk(rng, data):
    if not data:
        return data
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 4096)]
    at = rng.randrange(len(data) + 1)
    return data[:at] + chunk * rng.randint(1, 8) + data[at:]


def delete_chunk(rng, data):
    if not data:
        return data
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, 4096) :]


BYTE_OPERATIONS = [bit_flips, overwrite_run, truncate, duplicate_chunk, delete_chunk]


def docx_entries(rng, data):
    """Mutates one or a few entries inside the zip, then writes a fresh, well-formed zip."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    out = io.BytesIO()
    targets = set(rng.sample(names, k=min(len(names), rng.randint(1, 2))))
    # Mostly the document body, where the parser spends its time.
    if "word/document.xml" in names and rng.random() < 0.6:
        targets = {"word/document.xml"}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            body = source.read(name)
            if name in targets:
                choice = rng.random()
                if choice < 0.1:
                    continue  # the entry is gone
                body = rng.choice(BYTE_OPERATIONS)(rng, body)
            target.writestr(name, body)
    return out.getvalue()


def eml_damage(rng, data):
    """Damages headers or MIME boundaries: the places a mail parser trusts."""
    lines = data.split(b"\n")
    boundaries = [i for i, line in enumerate(lines) if line.startswith(b"--") or b"boundary=" in line]
    headers = [i for i, line in enumerate(lines) if b":" in line[:40] and not line.startswith(b" ")]
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(6)
        if kind == 0 and boundaries:  # a boundary changed, cut or removed
            i = rng.choice(boundaries)
            lines[i] = rng.choice([b"", lines[i][: rng.randrange(len(lines[i]) + 1)], lines[i] + b"x", b"--"])
        elif kind == 1 and headers:  # a header folded without end
            i = rng.choice(headers)
            lines[i] = lines[i] + b"\n " + b"=?utf-8?B?" + b"A" * rng.randint(1, 5000)
        elif kind == 2 and headers:  # a header repeated many times
            i = rng.choice(headers)
            lines[i:i] = [lines[i]] * rng.randint(2, 500)
        elif kind == 3:  # a bad Content-Type or Content-Transfer-Encoding
            lines.insert(rng.randrange(len(lines) + 1), rng.choice([
                b"Content-Type: multipart/mixed; boundary=",
                b"Content-Type: multipart/mixed; boundary=\"\"",
                b"Content-Transfer-Encoding: base64",
                b"Content-Transfer-Encoding: quoted-printable",
                b"Content-Type: text/plain; charset=x-unknown-42",
                b"Content-Disposition: attachment; filename=\"../../x.pdf\"",
            ]))
        elif kind == 4 and headers:  # a header line lost
            del lines[rng.choice(headers)]
            headers = [i for i, line in enumerate(lines) if b":" in line[:40] and not line.startswith(b" ")]
        else:  # the blank line between headers and body removed
            if b"" in lines:
                lines.remove(b"")
    return b"\n".join(lines)


def operations_for(name):
    extension = os.path.splitext(name)[1].lower()
    operations = list(BYTE_OPERATIONS)
    if extension == ".docx":
        operations += [docx_entries] * 3
    if extension == ".eml":
        operations += [eml_damage] * 3
    return operations


def mutate(seeds_dir, out_dir, seed, batch, count):
    seeds = sorted(name for name in os.listdir(seeds_dir) if name.lower().endswith(SEED_EXTENSIONS))
    if not seeds:
        sys.exit(f"fuzz: no seed files in {seeds_dir}")
    contents = {name: open(os.path.join(seeds_dir, name), "rb").read() for name in seeds}
    os.makedirs(out_dir, exist_ok=True)
    for number in range(count):
        rng = random.Random(f"{seed}:{batch}:{number}")
        name = rng.choice(seeds)
        data = contents[name]
        names = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):  # sometimes stack a few mutations
            operation = rng.choice(operations_for(name))
            try:
                data = operation(rng, data)
            except Exception:  # an earlier byte mutation broke the zip (bad header, bad deflate data)
                operation = bit_flips
                data = operation(rng, data)
            names.append(operation.__name__.replace("_", ""))
            data = data[: MAX_GROWTH * len(contents[name]) + 4096]
        mutant = f"case-{seed}-{batch}-{number:03d}-{'+'.join(names)}-{name}"
        with open(os.path.join(out_dir, mutant), "wb") as handle:
            handle.write(data)


def check(docs_dir, status_path, index):
    problems = []
    try:
        status = json.load(open(status_path))
    except (OSError, ValueError) as error:
        problems.append(f"`docqa status --json` did not print JSON: {error}")
        status = {"documents": [], "notIndexed": []}
    indexed = {document["path"] for document in status.get("documents", [])}
    not_indexed = {entry["path"]: entry for entry in status.get("notIndexed", [])}
    for name in sorted(os.listdir(docs_dir)):
        path = os.path.realpath(os.path.join(docs_dir, name))
        entry = not_indexed.get(path)
        if path in indexed or any(p.startswith(path + " \u203a ") for p in indexed):
            continue
        if entry is None:
            problems.append(f"{name}: in no state (neither indexed nor listed as skipped or failed)")
        elif entry.get("state") not in ("skipped", "failed") or not entry.get("reason"):
            problems.append(f"{name}: state {entry.get('state')!r} without a reason: {entry}")
    try:
        connection = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        connection.close()
        if result != ["ok"]:
            problems.append(f"integrity_check: {'; '.join(result[:5])}")
    except sqlite3.Error as error:
        problems.append(f"integrity_check could not run: {error}")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "mutate":
        mutate(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    elif len(sys.argv) == 5 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
    else:
        sys.exit(__doc__)
