#!/bin/sh
# nianbao 校验窗口（Linux 桌面：UOS、麒麟等；macOS 亦可）。双击或在终端运行：
#   scripts/nianbao-gui.sh [工作簿.xlsx]
# 用 install.py 建立的虚拟环境（项目或离线安装包文件夹中的 .venv）；没有时用 PATH 上装有 nianbao 的 Python。
# 还需要 Tk（Debian/UOS/麒麟：sudo apt install python3-tk）。
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
for py in "$here/../.venv/bin/python" "$here/.venv/bin/python" python3 python; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c "import toolkit, tkinter" >/dev/null 2>&1; then
    exec "$py" -m toolkit gui "$@"
  fi
done
msg="没有找到装有 nianbao 和 Tk 的 Python：请安装 python3-tk，并在 nianbao 文件夹中运行 python3 scripts/install.py（离线安装包：sh install.sh）。"
if command -v zenity >/dev/null 2>&1; then zenity --error --text="$msg"
elif command -v notify-send >/dev/null 2>&1; then notify-send "nianbao" "$msg"
fi
echo "$msg" >&2
exit 2
