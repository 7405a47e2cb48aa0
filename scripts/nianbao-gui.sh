#!/bin/sh
# nianbao 校验窗口（Linux 桌面：UOS、麒麟等；macOS 亦可）。双击或在终端运行：
#   scripts/nianbao-gui.sh [工作簿.xlsx]
# 需要已安装 Python 3（含 Tk：sudo apt install python3-tk）和 nianbao（pip install nianbao）。
for py in python3 python; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c "import toolkit, tkinter" >/dev/null 2>&1; then
    exec "$py" -m toolkit gui "$@"
  fi
done
msg="没有找到装有 nianbao 和 Tk 的 Python：请安装 python3-tk，并运行 pip install nianbao。"
if command -v zenity >/dev/null 2>&1; then zenity --error --text="$msg"
elif command -v notify-send >/dev/null 2>&1; then notify-send "nianbao" "$msg"
fi
echo "$msg" >&2
exit 2
