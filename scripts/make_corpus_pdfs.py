#!/usr/bin/env python3
"""Builds the bundled corpus' PDF documents from their text sources.

For every corpus/pdf-src/<org>/<name>.txt this writes corpus/documents/<org>/<name>.pdf:
a minimal, valid PDF 1.4 (Helvetica, WinAnsiEncoding so that ë é å ä ö ü ß
work), one PDF page per source page (pages are separated by a line
'---page---'), lines word-wrapped. Output is deterministic: re-running it gives
the same bytes. Standard library only; run with /usr/bin/python3.
"""
import pathlib
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "corpus" / "pdf-src"
OUT = ROOT / "corpus" / "documents"


def escape(line: str) -> bytes:
    data = line.encode("cp1252", errors="replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def page_stream(lines):
    out = [b"BT /F1 11 Tf 60 770 Td 15 TL"]
    for line in lines:
        for wrapped in textwrap.wrap(line, 90) or [""]:
            out.append(b"(" + escape(wrapped) + b") Tj T*")
    out.append(b"ET")
    return b"\n".join(out)


def build_pdf(pages, title):
    objects = []
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        stream = page_stream(lines)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Title (" + escape(title) + b") /Producer (portalkb make_corpus_pdfs) >>")
    info = len(objects)
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        pdf += f"{off:010d} 00000 n \n".encode()
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(pdf)


def main():
    count = 0
    for src in sorted(SRC.glob("*/*.txt")):
        text = src.read_text(encoding="utf-8")
        pages = [p.strip("\n").split("\n") for p in text.split("\n---page---\n")]
        title = pages[0][0].strip() if pages and pages[0] else src.stem
        out = OUT / src.parent.name / (src.stem + ".pdf")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(build_pdf(pages, title))
        count += 1
    print(f"wrote {count} PDFs", file=sys.stderr)


if __name__ == "__main__":
    main()
