"""Set-up as a newcomer meets it: scripts/install.py (a virtual environment, PEP 668 systems, a
missing python3-venv), the launchers finding that environment, install hints that never fetch
"nianbao" from the package index by name, and the offline bundle installing with no index."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, require

SCRIPTS = ROOT / "scripts"


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without pip settings of this machine (find-links, extra indexes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "PYTHONPATH"}
    return {**env, **extra}


def test_missing_ensurepip_names_the_debian_package(tmp_path):
    # Debian/Ubuntu without python3-venv: the venv module is there, ensurepip is not.
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "ensurepip.py").write_text("raise ImportError('No module named ensurepip')\n")
    env_dir = tmp_path / "env"
    proc = subprocess.run([sys.executable, str(SCRIPTS / "install.py"), "--venv", str(env_dir)],
                          capture_output=True, text=True, env=_clean_env(PYTHONPATH=str(shadow)), timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "python3-venv" in proc.stderr and "apt install" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not env_dir.exists()


def test_too_old_python_is_told_how_to_get_one(tmp_path):
    # UOS 20 ships 3.7, Kylin V10 3.8: the installer itself must still run there and say what to do.
    code = ("import sys, runpy; sys.version_info = (3, 8, 10, 'final', 0); sys.argv = ['install.py'];"
            f"runpy.run_path({str(SCRIPTS / 'install.py')!r}, run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Python 3.10" in proc.stderr and "UOS" in proc.stderr


def test_sh_launcher_uses_the_projects_venv(tmp_path):
    (tmp_path / "scripts").mkdir()
    launcher = shutil.copy(SCRIPTS / "nianbao-gui.sh", tmp_path / "scripts" / "nianbao-gui.sh")
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    log = tmp_path / "ran.txt"
    fake.write_text(f'#!/bin/sh\n[ "$1" = -c ] && exit 0\necho "$@" > "{log}"\n')
    fake.chmod(0o755)
    proc = subprocess.run(["sh", str(launcher), "报表 1.xlsx"], capture_output=True, text=True,
                          env={**os.environ, "PATH": "/usr/bin:/bin"}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert log.read_text().strip() == "-m toolkit gui 报表 1.xlsx"


def test_bat_launcher_looks_for_the_venv_first():
    bat = (SCRIPTS / "nianbao-gui.bat").read_text(encoding="utf-8")
    first = next(line for line in bat.splitlines() if "pythonw" in line.lower())
    assert ".venv" in first and r"Scripts\pythonw.exe" in first


# "pip install nianbao", 'pip install "nianbao[excel]"', "pip download nianbao ...": by name, from the index
_BY_NAME = re.compile(r"pip3?\s+(?:install|download)\s+(?:-{1,2}[\w-]+\s+)*[\"']?nianbao\b")


def test_no_install_hint_fetches_nianbao_from_the_index_by_name():
    texts = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *SCRIPTS.iterdir(), *ROOT.glob("toolkit/**/*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in texts
                 if p.is_file() and _BY_NAME.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders
    from toolkit.excel.vba import INSTALL_HINT
    assert "scripts/install.py --extra excel" in INSTALL_HINT


def _index_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


@pytest.mark.slow
def test_offline_bundle_installs_with_no_index_and_runs_the_demo(tmp_path):
    require(_index_reachable(), "pypi.org is not reachable: building the offline bundle downloads wheels")
    dist = tmp_path / "dist"
    proc = subprocess.run([sys.executable, str(SCRIPTS / "build_offline_bundle.py"), "-o", str(dist)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [bundle] = dist.glob("nianbao-离线安装包-*.zip")
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "u")
    top = tmp_path / "u" / bundle.stem
    for member in ("安装.bat", "install.sh", "install.py", "使用说明.txt", "nianbao-gui.bat", "nianbao-gui.sh"):
        assert f"{bundle.stem}/{member}" in names
    wheels = [Path(n).name for n in names if n.endswith(".whl")]
    for cp in ("cp310", "cp311", "cp312", "cp313"):  # the one compiled dependency, for every supported Python
        assert any(w.startswith("lxml-") and f"-{cp}-" in w for w in wheels), (cp, wheels)
    assert any(w.startswith("nianbao-") for w in wheels)
    guide = (top / "使用说明.txt").read_text(encoding="utf-8-sig")
    assert "UOS" in guide and "麒麟" in guide and "--no-index" in guide

    # the target PC: no index, no proxy, nothing of this machine's pip settings
    dead = "http://127.0.0.1:9/simple"
    env = _clean_env(PIP_INDEX_URL=dead, PIP_CONFIG_FILE=os.devnull, HTTPS_PROXY=dead, HTTP_PROXY=dead)
    proc = subprocess.run([sys.executable, str(top / "install.py"), "-q"], capture_output=True, text=True,
                          env=env, cwd=top, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    nianbao = top / ".venv" / ("Scripts/nianbao.exe" if os.name == "nt" else "bin/nianbao")
    assert nianbao.exists()
    if os.name != "nt":
        desktop = (top / "nianbao.desktop").read_text(encoding="utf-8")
        assert f'Exec="{top / ".venv" / "bin" / "python"}" -m toolkit gui %f' in desktop
    demo = tmp_path / "示例"
    proc = subprocess.run([str(nianbao), "demo", str(demo)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list(demo.glob("*.xlsx")) and list(demo.glob("*.docx"))


def _other_python() -> tuple[str, str] | None:
    """A CPython 3.10 or newer of another version than this one, with venv (path, "3.X"), or None."""
    import glob
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = [shutil.which(f"python3.{n}") for n in range(10, 20)]
    found += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3.[0-9]*")))
    for exe in filter(None, found):
        try:
            proc = subprocess.run([exe, "-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        version = proc.stdout.strip()
        if proc.returncode == 0 and version != here and tuple(map(int, version.split("."))) >= (3, 10):
            return exe, version
    return None


@pytest.mark.slow
def test_a_bundle_for_another_python_installs_with_that_python(tmp_path):
    """--python 3.X: the wheels, 安装.bat, install.sh and 使用说明 are all for 3.X, and install.sh picks
    that Python even when another (this one) comes first on PATH (tester's G25: the wrappers and the
    text said 3.10–3.12 whatever --python was, and install.sh ran install.py with the wrong Python)."""
    require(_index_reachable(), "pypi.org is not reachable: building the offline bundle downloads wheels")
    other = _other_python()
    if other is None:
        pytest.skip("no CPython of another version (3.10 or newer, with venv) on this machine")
    exe, version = other
    dist = tmp_path / "dist"
    proc = subprocess.run([sys.executable, str(SCRIPTS / "build_offline_bundle.py"), "--python", version,
                           "-o", str(dist)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [bundle] = dist.glob("nianbao-离线安装包-*.zip")
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(tmp_path / "u")
    top = tmp_path / "u" / bundle.stem
    assert '"pythons": ["' + version + '"]' in (top / "bundle.json").read_text(encoding="utf-8")
    guide = (top / "使用说明.txt").read_text(encoding="utf-8-sig")
    assert f"三、需要先有 Python {version}\n" in guide and f"在 Python {version}（CPython）上" in guide
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for name in ("install.sh", "安装.bat"):
        text = (top / name).read_text(encoding="utf-8")
        assert version in text and here not in text, name
    # the target PC: this Python first on PATH, as python3 and under its own name; the bundle's further on
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python3", f"python{here}"):
        (bin_dir / name).symlink_to(sys.executable)
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    (other_dir / f"python{version}").symlink_to(exe)
    dead = "http://127.0.0.1:9/simple"
    env = _clean_env(PIP_INDEX_URL=dead, PIP_CONFIG_FILE=os.devnull, HTTPS_PROXY=dead, HTTP_PROXY=dead,
                     PATH=f"{bin_dir}:{other_dir}:/usr/bin:/bin")
    proc = subprocess.run(["sh", str(top / "install.sh"), "-q"], capture_output=True, text=True, env=env, cwd=top,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    venv_python = top / ".venv" / "bin" / "python"
    assert subprocess.run([str(venv_python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True, timeout=60).stdout.strip() == version
    demo = tmp_path / "示例"
    proc = subprocess.run([str(top / ".venv" / "bin" / "nianbao"), "demo", str(demo)], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0 and list(demo.glob("*.docx")), proc.stdout + proc.stderr
    # without that Python, install.sh says which it needs
    env["PATH"] = f"{bin_dir}:/usr/bin:/bin"
    proc = subprocess.run(["sh", str(top / "install.sh")], capture_output=True, text=True, env=env, cwd=top,
                          timeout=120)
    assert proc.returncode == 2 and f"没有找到 Python {version}（本安装包只适用于这些版本" in proc.stderr, proc.stderr


def test_bundle_texts_follow_its_python_versions():
    bundle = _bundle_module()
    bat, sh = bundle.installers(("3.12", "3.13"))
    assert "for %%v in (3.13 3.12) do" in bat and "not in '3.12 3.13'.split()" in bat
    assert "没有找到 Python 3.12 或 3.13" in bat and "3.10" not in bat and "3.11" not in bat
    assert "for py in python3.13 python3.12 python3; do" in sh and "3.11" not in sh
    assert bundle.python_versions(["3.13", "3.10", "3.13"]) == ("3.10", "3.13")
    for wrong in ("3.9", "3", "3.x", "4.0", "2.7"):
        with pytest.raises(ValueError):
            bundle.python_versions([wrong])
    proc = subprocess.run([sys.executable, str(SCRIPTS / "build_offline_bundle.py"), "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("用法：") and "显示本帮助并退出" in proc.stdout
    assert "options:" not in proc.stdout and "show this help" not in proc.stdout


def _bundle_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_offline_bundle", SCRIPTS / "build_offline_bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundle_adds_what_the_target_needs_beyond_this_machines_markers(tmp_path):
    # `pip download --platform win_amd64` on Linux leaves out xlwings' `pywin32; platform_system ==
    # "Windows"`: the bundle's own check asks for it, per Python version.
    bundle = _bundle_module()
    meta = ("Metadata-Version: 2.1\nName: xlwings\nVersion: 0.37.8\n"
            'Requires-Dist: pywin32>=224; platform_system == "Windows"\n'
            'Requires-Dist: appscript>=1.0.1; platform_system == "Darwin"\nRequires-Dist: pandas; extra == "all"\n')
    with zipfile.ZipFile(tmp_path / "xlwings-0.37.8-cp311-cp311-win_amd64.whl", "w") as zf:
        zf.writestr("xlwings-0.37.8.dist-info/METADATA", meta)
    assert bundle.missing_requirements(tmp_path, "win_amd64", "3.11", {}) == ["pywin32>=224"]
    assert bundle.missing_requirements(tmp_path, "manylinux_x86_64", "3.11", {}) == []
    def wheel(name: str) -> None:
        with zipfile.ZipFile(tmp_path / name, "w") as zf:
            zf.writestr("pywin32-312.dist-info/METADATA", "Name: pywin32\n")
    wheel("pywin32-312-cp310-cp310-win_amd64.whl")  # another Python's wheel does not count
    assert bundle.missing_requirements(tmp_path, "win_amd64", "3.11", {}) == ["pywin32>=224"]
    wheel("pywin32-312-cp311-cp311-win_amd64.whl")
    assert bundle.missing_requirements(tmp_path, "win_amd64", "3.11", {}) == []
