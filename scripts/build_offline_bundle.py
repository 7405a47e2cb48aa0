#!/usr/bin/env python3
"""Build the offline installation bundle for office PCs without internet.

    python scripts/build_offline_bundle.py --platform win_amd64
    python scripts/build_offline_bundle.py --platform manylinux_x86_64     # UOS, Kylin (x86_64)
    python scripts/build_offline_bundle.py --platform manylinux_aarch64    # Phytium, Kunpeng (ARM64)
    python scripts/build_offline_bundle.py                                 # this machine's platform

Makes dist/nianbao-离线安装包-<version>-<platform>.zip: every wheel nianbao (with the Excel button's
extras where the platform has them) needs on CPython 3.10-3.14 (or the versions of --python),
downloaded as binaries for the target (``pip download --only-binary=:all: --platform ...
--python-version ...``); the installer (scripts/install.py, run by 安装.bat / install.sh, which installs
with ``pip --no-index --find-links``), the desktop launchers and 使用说明.txt, all of them naming the
bundle's own Python versions (bundle.json). Building needs the package index; installing does not.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's toolkit: its command-line parser, in Chinese

from toolkit.cli import Parser  # noqa: E402  (standard library only)

SCRIPTS = ROOT / "scripts"
# python.org's current versions that every binary dependency (lxml, MarkupSafe, pywin32, xlwings) has
# wheels for (3.14 checked with pip download for win_amd64 and manylinux x86_64/aarch64, December 2026);
# 3.13 is what Debian 13 installs, 3.14 what python.org offers first now. 3.15 (October 2026) is left
# to --python until the tests have run on it.
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
# glibc 2.28 is UOS 20's (Debian 10), Kylin V10 has 2.31: wheels for newer glibc would not load there.
_MANYLINUX = ["manylinux2014", *(f"manylinux_2_{n}" for n in range(17, 29))]
PLATFORMS: dict[str, list[str]] = {
    "win_amd64": ["win_amd64"],
    "win32": ["win32"],
    "manylinux_x86_64": [f"{tag}_x86_64" for tag in _MANYLINUX],
    "manylinux_aarch64": [f"{tag}_aarch64" for tag in _MANYLINUX],
}
# The target's environment markers: `pip download --platform` evaluates markers such as
# `pywin32; platform_system == "Windows"` (xlwings) for the machine it runs on, not for the target.
TARGET_MARKERS: dict[str, dict[str, str]] = {
    "win_amd64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "x86"},
    "manylinux_x86_64": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                         "platform_machine": "x86_64"},
    "manylinux_aarch64": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                          "platform_machine": "aarch64"},
}
# Which platform name this machine is (sysconfig.get_platform()).
CURRENT = {"win-amd64": "win_amd64", "win32": "win32", "linux-x86_64": "manylinux_x86_64",
           "linux-aarch64": "manylinux_aarch64"}

INSTALL_BAT = r"""@echo off
rem 离线安装 nianbao：双击运行，或在命令提示符中运行“安装.bat --extra excel”（同时装 Excel 按钮所需的 xlwings）。
chcp 65001 >nul
cd /d "%~dp0"
set PY=
for %%v in (@NEWEST_FIRST@) do if not defined PY (py -%%v -c "" >nul 2>nul && set "PY=py -%%v")
if not defined PY (
  python -c "import sys; sys.exit('{0}.{1}'.format(*sys.version_info) not in '@PYTHONS@'.split())" >nul 2>nul && set "PY=python"
)
if not defined PY (
  echo 没有找到 Python @WORDS@（本安装包只适用于这些版本）：请先从 python.org 安装（见“使用说明.txt”），再运行本文件。
  pause
  exit /b 2
)
%PY% install.py %*
set RC=%errorlevel%
pause
exit /b %RC%
"""  # noqa: E501  (a batch file's lines are not broken)

INSTALL_SH = """#!/bin/sh
# 离线安装 nianbao：sh install.sh（同时装 Excel 按钮所需的 xlwings：sh install.sh --extra excel）
cd "$(dirname "$0")" || exit 2
for py in @SH_NAMES@ python3; do
  if command -v "$py" >/dev/null 2>&1 && \\
     "$py" -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] not in "@PYTHONS@".split())' 2>/dev/null; then
    exec "$py" install.py "$@"
  fi
done
echo "没有找到 Python @WORDS@（本安装包只适用于这些版本；统信 UOS 20 自带 3.7，麒麟 V10 自带 3.8，都太旧）：请看“使用说明.txt”。" >&2
exit 2
"""  # noqa: E501

GUIDE = """nianbao {version} 离线安装包（{platform}）
==========================================

本安装包不需要互联网：其中的 wheels 文件夹含有 nianbao 及其依赖在 Python {pythons}（CPython）上所需的全部文件。
{extras_note}

一、安装
  Windows：双击“安装.bat”。要用 Excel 里的“校验并生成年报”按钮时，在本文件夹打开命令提示符，运行：安装.bat --extra excel
  Linux（统信 UOS、麒麟等）：在本文件夹打开终端，运行：sh install.sh
  安装程序在本文件夹中建立虚拟环境 .venv，用 pip --no-index --find-links wheels 安装，不访问网络，不改动系统的 Python。
  请把解压后的文件夹放在固定位置（如 D:\\nianbao 或 ~/nianbao）再安装；以后移动文件夹需要重新安装。

二、使用
  校验窗口：Windows 双击 nianbao-gui.bat；
            Linux 双击安装时生成的 nianbao.desktop（可复制到桌面），或运行 sh nianbao-gui.sh。
  命令行：Windows  .venv\\Scripts\\nianbao demo 年报示例
          Linux    .venv/bin/nianbao demo 年报示例
  （也可以先激活环境：Windows 运行 .venv\\Scripts\\activate，Linux 运行 . .venv/bin/activate，之后直接输入 nianbao …）

三、需要先有 Python {pythons_or}
  安装包不能携带 Python 本身；电脑上的 Python 是其他版本时，请在外网电脑上用 --python 加上该版本重新生成安装包。
  - Windows 8.1/10/11：从 python.org 下载 Python {newest} 的 Windows installer（64 位{others}），
    可在外网电脑下载后拷贝，安装时勾选“Add python.exe to PATH”。Windows 7 上无法运行 Python 3.10 以上，请换一台电脑。
  - 统信 UOS 20 自带 Python 3.7，麒麟 V10 自带 Python 3.8，都低于 3.10
    （nianbao 的程序用到 3.10 的语言功能），不能直接使用。
    办法一：系统软件源（应用商店或单位内网源）中有 {package_names} 时，请信息化人员安装，
           同时安装对应的 venv 与 tk 软件包（如 python{newest}-venv、python3-tk）；
    办法二：使用独立版 CPython（不需要 root，不影响系统的 Python）：在外网电脑上从
           https://github.com/astral-sh/python-build-standalone/releases 下载
           cpython-{newest}.*-x86_64-unknown-linux-gnu-install_only.tar.gz
           （飞腾、鲲鹏等 ARM 电脑选 aarch64-unknown-linux-gnu），
           拷贝后解压：tar xzf cpython-{newest}.*.tar.gz -C ~   得到 ~/python，
           再在本文件夹运行：~/python/bin/python3 install.py
    龙芯（LoongArch、MIPS）电脑：软件包索引没有这些平台的 lxml 等二进制文件，本安装包不适用。
  - 提示“缺少 venv/ensurepip”时：sudo apt install python3-venv（或 python{newest}-venv 等与版本对应的包）。

四、不要从软件包索引安装名为 nianbao 的软件包：那个名字不属于本项目。只用本安装包或本项目的文件夹安装。
"""


def or_words(pythons: tuple[str, ...]) -> str:
    """3.10、3.11、3.12 或 3.13: the versions as the texts say them."""
    return pythons[0] if len(pythons) == 1 else f"{'、'.join(pythons[:-1])} 或 {pythons[-1]}"


def installers(pythons: tuple[str, ...]) -> tuple[str, str]:
    """安装.bat and install.sh for the bundle's Python versions (oldest first): each looks for them,
    newest first, and says which it needs when none is there."""
    newest_first = tuple(reversed(pythons))
    words = {"@NEWEST_FIRST@": " ".join(newest_first), "@PYTHONS@": " ".join(pythons), "@WORDS@": or_words(pythons),
             "@SH_NAMES@": " ".join(f"python{v}" for v in newest_first)}
    bat, sh = INSTALL_BAT, INSTALL_SH
    for token, text in words.items():
        bat, sh = bat.replace(token, text), sh.replace(token, text)
    return bat, sh


def guide(version: str, platform: str, pythons: tuple[str, ...], extras_note: str) -> str:
    """使用说明.txt, naming the bundle's Python versions."""
    newest, others = pythons[-1], "、".join(reversed(pythons[:-1]))
    return GUIDE.format(version=version, platform=platform, pythons="、".join(pythons), extras_note=extras_note,
                        pythons_or=or_words(pythons), newest=newest, others=f"；也可用 {others}" if others else "",
                        package_names=" / ".join(f"python{v}" for v in pythons))


def python_versions(given: list[str]) -> tuple[str, ...]:
    """--python's versions, checked and in order (oldest first); ValueError names a wrong one."""
    for v in given:
        parts = v.split(".")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or int(parts[0]) != 3 or int(parts[1]) < 10:
            raise ValueError(f"“{v}”不是可用的 Python 版本：应写成 3.10、3.14 这样，"
                             "3.10 或更新的 3.x（nianbao 需要 3.10 以上；没有 Python 4）")
    return tuple(sorted(set(given), key=lambda v: tuple(map(int, v.split(".")))))


def run(cmd: list[str]) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "toolkit" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def download(requirement: str, platform: str, pythons: tuple[str, ...], dest: Path) -> None:
    """Every wheel ``requirement`` needs on ``platform`` for each CPython in ``pythons``."""
    for py in pythons:
        abi = "cp" + py.replace(".", "")
        cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
               "--only-binary=:all:", "--implementation", "cp", "--python-version", py,
               "--abi", abi, "--abi", "abi3", "--abi", "none", "-d", str(dest)]
        for tag in PLATFORMS[platform]:
            cmd += ["--platform", tag]
        run([*cmd, requirement])


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _fits(wheel: Path, python: str) -> bool:
    """Whether a wheel (by its file name's tags) installs on CPython ``python`` ("3.11")."""
    pytags, abi = wheel.name[:-4].split("-")[-3:-1]
    cp = int(python.replace(".", ""))
    for tag in pytags.split("."):
        if tag in ("py3", f"cp{cp}") or (abi == "abi3" and tag.startswith("cp") and int(tag[2:]) <= cp):
            return True
    return False


def missing_requirements(wheels: Path, platform: str, python: str, extras: dict[str, set[str]]) -> list[str]:
    """Requirements of the wheels in ``wheels`` that apply on the target (its markers, Python and the
    ``extras`` asked for, by distribution) and that no wheel there provides."""
    try:
        from packaging.requirements import Requirement
    except ImportError:  # a bare venv: pip's own copy
        from pip._vendor.packaging.requirements import Requirement
    have = {_canonical(w.name.split("-")[0]) for w in wheels.glob("*.whl") if _fits(w, python)}
    env = {**TARGET_MARKERS[platform], "python_version": python, "python_full_version": f"{python}.0",
           "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    missing: list[str] = []
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            lines = zf.read(meta).decode("utf-8", "replace").splitlines()
        wanted = ["", *extras.get(_canonical(wheel.name.split("-")[0]), ())]
        for line in lines:
            if not line.startswith("Requires-Dist:"):
                continue
            req = Requirement(line.partition(":")[2].strip())
            if req.marker is not None and not any(req.marker.evaluate({**env, "extra": e}) for e in wanted):
                continue
            if _canonical(req.name) not in have:
                missing.append(f"{req.name}{req.specifier}")
                have.add(_canonical(req.name))
    return missing


def complete(wheels: Path, platform: str, pythons: tuple[str, ...], excel: bool) -> None:
    """Download what pip's marker evaluation for this machine left out for the target."""
    extras = {"nianbao": {"excel"}} if excel else {}
    for py in pythons:
        for _ in range(5):  # requirements of requirements
            missing = missing_requirements(wheels, platform, py, extras)
            if not missing:
                break
            download_each(missing, platform, (py,), wheels)


def download_each(requirements: list[str], platform: str, pythons: tuple[str, ...], dest: Path) -> None:
    for requirement in requirements:
        download(requirement, platform, pythons, dest)


def build(platform: str, out_dir: Path, pythons: tuple[str, ...] = PYTHONS, excel: bool = True) -> Path:
    ver = version()
    name = f"nianbao-离线安装包-{ver}-{platform}"
    with tempfile.TemporaryDirectory(prefix="nianbao-bundle-") as tmp:
        top = Path(tmp) / name
        wheels = top / "wheels"
        wheels.mkdir(parents=True)
        # nianbao's own wheel, built from this folder (never fetched by name from the index).
        run([sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "-q", "--no-deps",
             "-w", str(wheels), str(ROOT)])
        own = next(wheels.glob("nianbao-*.whl"))
        extras_note = "含 Excel 按钮（xlwings、pyOpenVBA）所需的文件。"
        try:
            download(f"{own}[excel]" if excel else str(own), platform, pythons, wheels)
        except subprocess.CalledProcessError:
            if not excel:
                raise
            extras_note = "不含 Excel 按钮（xlwings）所需的文件：此平台没有它的二进制文件。"
            print(f"{platform}: Excel 按钮的依赖没有此平台的 wheel，只打包 nianbao 本身", file=sys.stderr)
            download(str(own), platform, pythons, wheels)
            excel = False
        complete(wheels, platform, pythons, excel)
        for launcher in ("install.py", "nianbao-gui.bat", "nianbao-gui.sh", "nianbao.desktop"):
            shutil.copy2(SCRIPTS / launcher, top / launcher)
        bat, sh = installers(pythons)
        (top / "安装.bat").write_bytes(bat.replace("\n", "\r\n").encode("utf-8"))
        (top / "install.sh").write_text(sh, encoding="utf-8", newline="\n")
        text = guide(ver, platform, pythons, extras_note)
        (top / "使用说明.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))  # Notepad too
        (top / "bundle.json").write_text(json.dumps(
            {"version": ver, "platform": platform, "pythons": list(pythons)}, ensure_ascii=False), encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"{name}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(top.rglob("*")):
                info = zipfile.ZipInfo.from_file(path, path.relative_to(tmp).as_posix())
                if path.is_dir():
                    zf.writestr(info, b"")
                    continue
                if path.suffix in (".sh", ".py"):
                    info.external_attr = (0o100755 << 16)  # executable once unzipped (unzip keeps modes)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
    return target


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="build_offline_bundle.py", description="生成 nianbao 离线安装包（zip）：在能上网的电脑上"
                    "下载目标电脑所需的全部 wheel，目标电脑安装时不访问网络")
    parser.add_argument("--platform", choices=sorted(PLATFORMS),
                        help="目标电脑的平台（默认：本机）")
    parser.add_argument("--python", nargs="+", default=list(PYTHONS), metavar="3.X",
                        help=f"目标电脑可能的 Python 版本（默认：{' '.join(PYTHONS)}）；安装.bat、install.sh"
                             "和《使用说明》按这些版本寻找、说明")
    parser.add_argument("--no-excel", action="store_true", help="不含 Excel 按钮的依赖（xlwings、pyOpenVBA）")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "dist", help="输出文件夹（默认：dist）")
    args = parser.parse_args(argv)
    platform = args.platform or CURRENT.get(sysconfig.get_platform())
    if platform is None:
        parser.error(f"本机平台 {sysconfig.get_platform()} 没有对应的安装包，请用 --platform 指定")
    try:
        pythons = python_versions(args.python)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        target = build(platform, args.output, pythons, excel=not args.no_excel)
    except subprocess.CalledProcessError as exc:
        print(f"生成失败：{' '.join(map(str, exc.cmd[:4]))} … 退出码 {exc.returncode}（需要能访问 Python 软件包索引）",
              file=sys.stderr)
        return 2
    print(f"离线安装包：{target}（{target.stat().st_size // 1024} KB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
