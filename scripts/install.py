#!/usr/bin/env python3
"""Install nianbao into its own virtual environment (.venv) beside this project or offline bundle.

    python3 scripts/install.py                  # Linux, UOS, Kylin, macOS
    py scripts\\install.py                       # Windows (the Python launcher)
    python3 scripts/install.py --extra excel    # with the Excel button (xlwings, pyOpenVBA)

Why a virtual environment: Debian 12, Ubuntu 24.04 and their relatives mark the system Python as
"externally managed" (PEP 668), so a plain ``pip install`` stops with an error; a venv of our own
works everywhere and the launchers (scripts/nianbao-gui.*) find it at ``.venv``.

Installs only from this folder: the project's source, or, in an offline bundle, the wheels in
``wheels/`` with ``pip --no-index``. Never from the package index under the name ``nianbao`` (the
name there is not ours). Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 10)
HERE = Path(__file__).resolve().parent
WINDOWS = os.name == "nt"


def fail(message: str) -> None:
    print(f"安装未完成：{message}", file=sys.stderr)
    raise SystemExit(2)


def find_source() -> tuple[Path, Path | None]:
    """(the folder the environment goes into, the offline wheels folder or None for the project)."""
    if (HERE / "wheels").is_dir():  # an offline bundle: install.py beside wheels/
        return HERE, HERE / "wheels"
    root = HERE.parent
    if not (root / "pyproject.toml").is_file():
        fail(f"在 {root} 中没有找到 pyproject.toml，也没有离线安装包的 wheels 文件夹")
    return root, None


def check_bundle_python(wheels: Path) -> None:
    """An offline bundle holds binary wheels for some Python versions only: say so before pip fails."""
    info = wheels.parent / "bundle.json"
    if not info.exists():
        return
    pythons = json.loads(info.read_text(encoding="utf-8")).get("pythons", [])
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if pythons and here not in pythons:
        fail(f"此离线安装包适用于 Python {'、'.join(pythons)}，这里是 {here}（{sys.executable}）："
             "请用其中一个版本运行安装，或在外网电脑上用 --python " + here + " 重新生成安装包")


def python_hint() -> str:
    """How to get a supported Python on this kind of machine."""
    if WINDOWS:
        return "请从 python.org 安装 Python 3.10 或更新版本（安装时勾选 “Add python.exe to PATH”），再用 py 运行本脚本"
    return ("请安装 Python 3.10 或更新版本（统信 UOS 20 自带 3.7、麒麟 V10 自带 3.8，都太旧）："
            "见离线安装包中的《使用说明》，或在 Debian/Ubuntu 上 sudo apt install python3")


def venv_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if WINDOWS else "bin/python")


def command_path(env: Path, name: str) -> Path:
    return env / ("Scripts" if WINDOWS else "bin") / (f"{name}.exe" if WINDOWS else name)


def works(python: Path) -> bool:
    """An existing environment whose Python and pip still run (not one left half-made)."""
    if not python.exists():
        return False
    proc = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True)
    return proc.returncode == 0


def venv_missing_message() -> str:
    """Debian and Ubuntu ship venv's pip bootstrap (ensurepip) in a separate package."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return (f"这个 Python（{sys.executable}，{version}）缺少创建虚拟环境所需的 venv/ensurepip 模块。"
            f"在 Debian、Ubuntu、统信 UOS、麒麟上请先安装软件包 python3-venv"
            f"（sudo apt install python3-venv；若仍不行，安装 python{version}-venv），再运行本命令")


def make_venv(env: Path, system_site_packages: bool) -> Path:
    python = venv_python(env)
    if works(python):
        return python
    try:
        import ensurepip  # noqa: F401  (only whether it is there)
        import venv  # noqa: F401
    except ImportError:
        fail(venv_missing_message())
    if env.exists():
        shutil.rmtree(env)  # a half-made environment (e.g. from a run before python3-venv was installed)
    print(f"创建虚拟环境：{env}")
    cmd = [sys.executable, "-m", "venv", str(env)]
    if system_site_packages:
        cmd.insert(3, "--system-site-packages")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not works(python):
        shutil.rmtree(env, ignore_errors=True)
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        if "ensurepip" in (proc.stderr + proc.stdout):
            fail(venv_missing_message())
        fail("无法创建虚拟环境" + (f"（{detail[-1]}）" if detail else ""))
    return python


def install(python: Path, root: Path, wheels: Path | None, extras: list[str], quiet: bool) -> None:
    spec_extras = f"[{','.join(extras)}]" if extras else ""
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    if quiet:
        cmd.append("-q")
    if wheels is not None:
        cmd += ["--no-index", "--find-links", str(wheels), f"nianbao{spec_extras}"]
    else:
        cmd.append(f"{root}{spec_extras}")  # the project's folder, never the index's "nianbao"
    print("安装 nianbao" + (f"（{', '.join(extras)}）" if extras else "") + "……", flush=True)
    if subprocess.run(cmd).returncode != 0:
        where = f"离线安装包的 {wheels}" if wheels else "项目文件夹（第一次安装需要能访问 Python 软件包索引以下载依赖）"
        fail(f"pip 没有装好 nianbao：请看上面 pip 的说明。安装来源：{where}")


def desktop_entry(env: Path, root: Path) -> Path | None:
    """Linux desktops: a nianbao.desktop beside the environment that runs its Python (absolute paths)."""
    template = HERE / "nianbao.desktop"
    if WINDOWS or not template.exists():
        return None
    exec_line = f'Exec="{venv_python(env)}" -m toolkit gui %f'
    lines = [exec_line if line.startswith("Exec=") else line
             for line in template.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    out = root / "nianbao.desktop"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.chmod(0o755)  # file managers launch only executable (trusted) desktop entries
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="把 nianbao 安装到它自己的虚拟环境（.venv）中")
    parser.add_argument("--extra", action="append", default=[], choices=["excel", "test"],
                        help="同时安装：excel（Excel 按钮、生成 .xlsm）或 test（运行测试所需）")
    parser.add_argument("--venv", type=Path, help="虚拟环境的位置（默认：项目或安装包文件夹中的 .venv）")
    parser.add_argument("--system-site-packages", action="store_true",
                        help="虚拟环境可使用系统已安装的 Python 包（如 Debian 的 python3-uno）")
    parser.add_argument("-q", "--quiet", action="store_true", help="pip 少输出")
    args = parser.parse_args(argv)
    if sys.version_info < MIN_PYTHON:
        fail(f"nianbao 需要 Python 3.10 或更新版本，这里是 {sys.version.split()[0]}。{python_hint()}")
    root, wheels = find_source()
    if wheels is not None:
        check_bundle_python(wheels)
    env = (args.venv or root / ".venv").resolve()
    python = make_venv(env, args.system_site_packages)
    install(python, root, wheels, sorted(set(args.extra)), args.quiet)
    nianbao = command_path(env, "nianbao")
    launchers = root / "scripts" if wheels is None else root
    activate = f"{env}\\Scripts\\activate" if WINDOWS else f". {env}/bin/activate"
    print(f"\n已安装：{nianbao}")
    print(f"使用：{nianbao} demo 年报示例    （或先运行 {activate}，之后直接用 nianbao …）")
    if WINDOWS:
        print(f"校验窗口：双击 {launchers / 'nianbao-gui.bat'}")
    else:
        entry = desktop_entry(env, root)
        shown = f"{entry}（可复制到桌面或 ~/.local/share/applications/），或 " if entry else ""
        print(f"校验窗口：{shown}{launchers / 'nianbao-gui.sh'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
