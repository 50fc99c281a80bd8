"""The archive is data built reproducibly from corpus/; its PDFs carry extractable Chinese text."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pypdfium2
import requests

from mirror.build import main as build_main
from mirror.server import ARCHIVE, Archive

ROOT = Path(__file__).resolve().parents[2]
REGWATCH = "from regwatch.cli import main; main()"


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def test_archive_rebuilds_identically_from_the_corpus(tmp_path, capsys):
    build_main(["--out", str(tmp_path), "--no-pdf"])
    assert "built" in capsys.readouterr().out
    fresh, shipped = manifest(tmp_path), manifest(ARCHIVE)
    compared = 0
    for host, paths in shipped["hosts"].items():
        for path, versions in paths.items():
            if path.endswith(".pdf"):
                assert path not in fresh["hosts"].get(host, {})
                continue
            assert fresh["hosts"][host][path] == versions, path
            for version in versions:
                if version["blob"]:
                    blob = Path("blobs") / version["blob"][:2] / version["blob"]
                    assert (tmp_path / blob).read_bytes() == (ARCHIVE / blob).read_bytes()
                    compared += 1
    assert compared > 100


def test_archive_stays_small():
    size = sum(f.stat().st_size for f in ARCHIVE.rglob("*") if f.is_file())
    assert size < 15 * 1024 * 1024


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_issue_pdfs_hold_the_issue_text(seed_text):
    archive = Archive()
    cases = {
        ("www.shanghai.gov.cn", "/newshanghai2018/zfgb/202213/ZFGB2213.pdf", 0): ["沪府发〔2022〕5号", "上海市电子证照管理办法"],
        ("www.shanghai.gov.cn", "/newshanghai2018/zfgb/202214/ZFGB2214.pdf", 1): ["上海市人民政府令第68号", "稳就业"],
        ("www.gov.cn", "/gongbao/2024/issue_11726/material/gwygb202433.pdf", 2): ["全国年节及纪念日放假办法", "放假4天"],
    }
    for (host, path, state), needles in cases.items():
        version = archive.lookup(host, path, state)
        assert version and version.content_type == "application/pdf"
        text = squeeze(pdf_text(archive.read(version)))
        for needle in needles:
            assert needle in text, (path, needle)
    # a whole sentence of seed 002 comes back intact (CJK text, not glyph soup)
    sentence = "南北地区(宝山区、金山区)具备宝贵的发展空间,是全市重要的产业承载地。"
    assert sentence in seed_text("002")
    version = archive.lookup("www.shanghai.gov.cn", "/newshanghai2018/zfgb/202213/ZFGB2213.pdf", 0)
    assert squeeze(sentence) in squeeze(pdf_text(archive.read(version)))


def test_regwatch_mirror_command_serves_until_ctrl_c():
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-c", REGWATCH, "mirror", "--state", "2"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        while not any(line.startswith('url = "http://127.0.0.1:') and "gbgl.json" in line for line in lines):
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
        output = "".join(lines)
        assert "state 2 of 0..3" in output and "[[source]]" in output
        base = re.search(r"www\.gov\.cn\s+(http://127\.0\.0\.1:\d+)", output).group(1)
        assert requests.get(base + "/__mirror__/state", timeout=5).json()["state"] == 2
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_regwatch_mirror_rejects_a_bad_state():
    done = subprocess.run([sys.executable, "-c", REGWATCH, "mirror", "--state", "9"], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "state must be an integer from 0 to 3" in done.stderr and "Traceback" not in done.stderr


def test_a_changed_page_always_looks_newer():
    """Otherwise a client revalidating with If-Modified-Since (or a size-equal ETag) would miss it."""
    archive = Archive()
    changed = 0
    for paths in archive.paths.values():
        for versions in paths.values():
            served = [v for v in versions if v.blob]
            for older, newer in zip(served, served[1:]):
                assert newer.modified > older.modified and newer.blob != older.blob
                changed += 1
    assert changed >= 10


def test_printed_source_block_is_a_valid_config_for_every_kind(mirror, tmp_path):
    from regwatch.commands.mirror import source_block
    from monitor.config import load

    config_path = tmp_path / "regwatch.toml"
    config_path.write_text(source_block(mirror.urls), encoding="utf-8")
    config = load(config_path)
    assert {s.kind for s in config.sources} == {"shanghai-gazette", "shanghai-series", "shanghai-rules", "gov-gongbao"}
    for source in config.sources:
        assert requests.get(source.url, timeout=5).status_code == 200  # every entry point is served
