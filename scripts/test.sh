#!/usr/bin/env bash
# Install everything the tests need, then run them. The README's test command and CI's .ci/run.
#   bash scripts/test.sh            # install (if missing) and run all tests
#   bash scripts/test.sh -k reader  # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# System programs: LibreOffice (opens our workbooks and reports; python3-uno drives it), CJK fonts, poppler (pdftotext,
# pdffonts), Xvfb (the desktop launcher's test), Chromium (loads the report's web page). Installed
# from Debian's packages when missing and we are root (CI runs as root); elsewhere the tests that
# need them skip and say why.
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc libreoffice-writer)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb xauth)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Serif CJK" || need+=(fonts-noto-cjk fontconfig)
python3 -c "import tkinter" 2>/dev/null || need+=(python3-tk)
python3 -c "import ensurepip, venv" 2>/dev/null || need+=(python3-venv)  # Debian/Ubuntu: venv's pip bootstrap
# LibreOffice's Python bridge (the UNO tests drive Calc through it): Debian's package works only with
# the system interpreter, which the tests start as a child process.
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import uno" 2>/dev/null || need+=(python3-uno)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: ${need[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
  else
    echo "not installed (tests that need them will skip): ${need[*]}"
  fi
fi

# Map the government fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) to Noto CJK where they are
# not installed, so LibreOffice renders our reports with CJK serif/sans faces. The packaged file
# (the one `nianbao build` also hands LibreOffice) is the only copy.
if [ -d /etc/fonts/conf.d ] && [ -w /etc/fonts/conf.d ]; then
  for conf in toolkit/word/fonts/*.conf; do
    [ -e "$conf" ] || continue
    cmp -s "$conf" "/etc/fonts/conf.d/$(basename "$conf")" || { cp "$conf" /etc/fonts/conf.d/; fc-cache -f >/dev/null 2>&1 || true; }
  done
fi

# The tests' own virtual environment (.venv, as the README's set-up makes): the system Python may refuse
# pip installs (PEP 668). It sees the system's packages too (Debian's python3-uno, for /usr/bin/python3).
python3 scripts/install.py -q --extra test --system-site-packages
export PATH="$PWD/.venv/bin:$PATH"  # as activated: the tools it installed (openxml-audit) are commands too
# The house rules (pyproject.toml's [tool.ruff] and [tool.mypy]): lint and types before the tests.
python -m ruff check toolkit
python -m mypy toolkit
exec python -m pytest "$@"
