"""The ops / amend / validity commands, run as the installed ``regwatch`` program."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EVAL_DEV = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev"


def regwatch(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=60)


def test_ops_text_and_json():
    out = regwatch("ops", str(EVAL_DEV / "sh-yinxiang" / "decision.md"))
    assert out.returncode == 0, out.stderr
    assert "《上海市音像制品管理条例》（15项操作）" in out.stdout and "删去第四十一条" in out.stdout
    data = json.loads(regwatch("ops", str(EVAL_DEV / "nianjie" / "decision.md"), "--format", "json").stdout)
    assert data["effective"] == "2025-01-01" and data["laws"] == ["全国年节及纪念日放假办法"]
    assert [op["action"] for op in data["parts"][0]["ops"]] == ["replace", "replace", "insert"]


def test_amend_prints_the_consolidated_text_and_the_check_report():
    case = EVAL_DEV / "sh-jianshecailiao"
    out = regwatch("amend", "decision.md", "--base", "old.md", cwd=case)
    assert out.returncode == 0, out.stderr
    assert "第十条 市、区建设行政管理部门应当会同相关部门" in out.stdout
    report = regwatch("amend", "decision.md", "--base", "old.md", "--check", "new.md", cwd=case)
    assert report.stdout.splitlines()[0] == "1条与决定不一致："   # 第四条、第五条: punctuation now as drafted
    assert "第十一条　[prescribed_wording]" in report.stdout and "进入本市" in report.stdout


def test_amend_reports_unapplied_ops_and_strict_fails(tmp_path):
    decision = tmp_path / "decision.txt"
    decision.write_bytes("国务院关于修改《全国年节及纪念日放假办法》的决定\n国务院决定对《全国年节及纪念日放假办法》作如下修改：\n"
                         "一、删去第九十条。\n二、删去第五条。\n本决定自2025年1月1日起施行。\n".encode("gb18030"))
    base = EVAL_DEV / "nianjie" / "old.md"
    out = regwatch("amend", str(decision), "--base", str(base))
    assert out.returncode == 0 and "基础文本中没有第九十条" in out.stderr
    assert "二七纪念日" not in out.stdout                 # 删去第五条 still applied
    assert regwatch("amend", str(decision), "--base", str(base), "--strict").returncode == 1


def test_errors_are_one_line():
    out = regwatch("amend", str(EVAL_DEV / "nianjie" / "decision.md"), "--base", str(EVAL_DEV / "duiwaimaoyi" / "old.md"))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "《全国年节及纪念日放假办法》" in out.stderr
    assert regwatch("ops", "/nonexistent.md").returncode == 2


def test_validity_of_a_decision_on_a_date(tmp_path, order68):
    page = tmp_path / "order68.txt"
    page.write_text(order68, encoding="utf-8")
    data = json.loads(regwatch("validity", str(page), "--at", "2022-07-01", "--format", "json").stdout)
    (repeal,) = data["repeals"]
    assert repeal["name"] == "上海市流动人口计划生育工作规定"
    assert repeal["status"] == {"status": "已废止", "since": "2022-06-18", "by": data["title"]}
    before = json.loads(regwatch("validity", str(page), "--at", "2022-06-01", "--format", "json").stdout)
    assert before["repeals"][0]["status"]["status"] == "现行有效"
    assert regwatch("validity", str(page), "--at", "June").returncode == 2


def test_garbled_decisions_never_print_a_traceback(tmp_path):
    garbled = tmp_path / "decision.txt"
    garbled.write_text("关于修改《某条例》的决定\n对《某条例》作如下修改：\n将第“三条'修改为：“\n删去第三、款。\n"
                       "在第后增加一条，作为第之一条：\n本决定自公布之日起施行。\n", encoding="utf-8")
    base = tmp_path / "base.txt"
    base.write_text("某条例\n第一条 甲。\n第二条 乙。\n", encoding="utf-8")
    for args in (("ops", str(garbled)), ("amend", str(garbled), "--base", str(base), "--target", "某条例")):
        out = regwatch(*args)
        assert "Traceback" not in out.stderr and out.returncode in (0, 2), out.stderr
        assert out.stderr.strip(), "an unread instruction is reported"
